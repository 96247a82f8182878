import type { EntityManager } from 'typeorm';
import type { StoredLedgerRow } from '@tutoring/session-ledger/domain';

/** Where a reader stands: the last entry it consumed, in (writer's transaction id, position) order. */
export interface ReaderCheckpoint {
  /** xid8 as a decimal string (64-bit). */
  transactionId: string;
  position: number;
}

export const READER_START: ReaderCheckpoint = { transactionId: '0', position: 0 };

export interface ReadLedgerRow extends StoredLedgerRow {
  transactionId: string;
  startedAt: string | null;
}

interface Raw {
  position: string;
  transaction_id: string;
  district_id: string;
  vendor_id: string;
  session_id: string;
  event_type: string;
  data: unknown;
  verdicts: unknown;
  local_date: string | null;
  started_at: string | null;
}

/**
 * Follows one district's ledger without ever skipping an entry whose transaction commits late. Positions come from
 * a sequence, so a transaction holding position 7 may commit after one holding 8; a reader ordered by position
 * alone would pass 7 for good. Instead entries are read in (transaction_id, position) order and only from
 * transactions older than the snapshot's xmin: every such transaction has finished, so nothing can appear later
 * below the checkpoint. A long transaction elsewhere delays readers; it never makes them lose an entry.
 */
export class LedgerReader {
  constructor(private readonly schema: string) {}

  /** Must run inside the district's tenant transaction. */
  async readAfter(
    m: EntityManager,
    districtId: string,
    after: ReaderCheckpoint,
    limit: number,
  ): Promise<ReadLedgerRow[]> {
    const rows = (await m.query(
      `SELECT position, transaction_id::text AS transaction_id, district_id, vendor_id, data->>'sessionId' AS session_id,
              event_type, verdicts, local_date::text AS local_date, data->>'startedAt' AS started_at,
              jsonb_build_object('tutorId', data->'tutorId', 'groupId', data->'groupId', 'attendance', data->'attendance') AS data
         FROM ${this.schema}.ledger_entries
        WHERE district_id = $1
          AND (transaction_id, position) > ($2::xid8, $3::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id, position
        LIMIT $4`,
      [districtId, after.transactionId, after.position, limit],
    )) as Raw[];
    return rows.map((r) => ({
      position: Number(r.position),
      transactionId: r.transaction_id,
      districtId: r.district_id,
      vendorId: r.vendor_id,
      sessionId: r.session_id,
      eventType: r.event_type,
      data: r.data,
      verdicts: r.verdicts,
      localDate: r.local_date,
      startedAt: r.started_at,
    }));
  }

  /** Districts that have ledger entries (ids only; maintained by a trigger on the ledger). */
  async districts(m: EntityManager): Promise<string[]> {
    const rows = (await m.query(`SELECT district_id FROM ${this.schema}.ledger_districts ORDER BY district_id`)) as {
      district_id: string;
    }[];
    return rows.map((r) => r.district_id);
  }
}

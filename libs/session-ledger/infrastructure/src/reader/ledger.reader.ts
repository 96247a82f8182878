import type { EntityManager } from 'typeorm';
import type { StoredLedgerRow } from '@tutoring/session-ledger/domain';

/**
 * Where a reader stands. Entries are consumed in (writer's transaction id, position) order:
 * - every entry of a transaction older than `horizon` has been consumed (such transactions have all finished);
 * - `done` lists transactions at or above the horizon already consumed in full;
 * - `partial` is the transaction a size-limited batch stopped inside, with the last position consumed.
 */
export interface ReaderCheckpoint {
  /** xid8 as a decimal string. */
  horizon: string;
  done: string[];
  partial: { transactionId: string; position: number } | null;
  /** Last position consumed (informational). */
  position: number;
}

export const READER_START: ReaderCheckpoint = { horizon: '0', done: [], partial: null, position: 0 };

export interface ReadLedgerRow extends StoredLedgerRow {
  transactionId: string;
  startedAt: string | null;
}

/** A ledger entry as stored, in reader order. */
export interface WholeLedgerRow {
  position: number;
  transactionId: string;
  streamVersion: number;
  districtId: string;
  vendorId: string;
  eventId: string;
  eventType: string;
  data: unknown;
  metadata: Record<string, unknown>;
  verdicts: unknown;
  localDate: string | null;
  /** RFC 3339, UTC, milliseconds. */
  recordedAt: string;
}

interface RawWhole {
  xmin: string;
  position: string | null;
  tx: string;
  stream_version: number;
  district_id: string;
  vendor_id: string;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  verdicts: unknown;
  local_date: string | null;
  recorded_at: string;
}

interface Raw {
  xmin: string;
  position: string | null;
  stream_version: number;
  tx: string;
  district_id: string;
  vendor_id: string;
  session_id: string;
  event_type: string;
  tutor_id: string | null;
  group_id: string | null;
  attendance: unknown;
  verdicts: unknown;
  local_date: string | null;
  started_at: string | null;
}

const big = (x: string): bigint => BigInt(x);
const minOf = (a: string, b: string): string => (big(a) < big(b) ? a : b);
const maxOf = (a: string, b: string): string => (big(a) > big(b) ? a : b);

/**
 * The checkpoint after consuming `rows` (ordered by transaction id, position) read in a snapshot whose xmin is
 * `xmin`. Every transaction below xmin has finished, so the horizon may move up to it; a batch cut by `limit`
 * stops the horizon at the transaction it was cut in. Pure: unit-tested, and the only place the rule lives.
 */
export const advanceCheckpoint = (
  cp: ReaderCheckpoint,
  rows: readonly { transactionId: string; position: number }[],
  xmin: string,
  limit: number,
): ReaderCheckpoint => {
  const last = rows[rows.length - 1];
  const truncated = rows.length >= limit && last !== undefined;
  const horizon = maxOf(cp.horizon, truncated ? minOf(xmin, last.transactionId) : xmin);
  const consumed = new Set(cp.done);
  for (const r of rows) consumed.add(r.transactionId);
  // The transaction the previous batch was cut in is complete now unless this batch is cut in it again: rows come
  // in (transaction id, position) order, so its remaining entries (if any) came first. Without this, a batch that
  // ended exactly on a transaction's last entry followed by another cut batch would forget it, and with the horizon
  // held below it by a long transaction elsewhere it would be read again.
  if (cp.partial && !(truncated && last.transactionId === cp.partial.transactionId))
    consumed.add(cp.partial.transactionId);
  if (truncated) consumed.delete(last.transactionId);
  const done = [...consumed].filter((tx) => big(tx) >= big(horizon)).sort((a, b) => (big(a) < big(b) ? -1 : 1));
  const partial = truncated
    ? { transactionId: last.transactionId, position: last.position }
    : cp.partial && big(cp.partial.transactionId) >= big(horizon) && !consumed.has(cp.partial.transactionId)
      ? cp.partial
      : null;
  return { horizon, done, partial, position: last?.position ?? cp.position };
};

/**
 * Follows one district's ledger without ever skipping an entry whose transaction commits late. Positions come from
 * a sequence, so a transaction holding position 7 may commit after one holding 8; a reader ordered by position
 * alone would pass 7 for good. This reader orders by (transaction id, position) and keeps, besides a horizon below
 * which every transaction has finished (the snapshot's xmin), the set of later transactions it already consumed.
 * A long transaction elsewhere (an outbox relay waiting on Kafka, a report) therefore neither delays it nor makes
 * it lose an entry: entries of transactions that commit later are picked up when they become visible.
 */
export class LedgerReader {
  constructor(private readonly schema: string) {}

  /** Must run inside the district's tenant transaction. */
  async readBatch(
    m: EntityManager,
    districtId: string,
    cp: ReaderCheckpoint,
    limit: number,
  ): Promise<{ rows: ReadLedgerRow[]; next: ReaderCheckpoint }> {
    // Only the fields the projection reads; the start time only where no local date was recorded.
    const raw = (await this.pick(
      m,
      `l.position, l.stream_version, l.transaction_id::text AS tx, l.district_id, l.vendor_id,
                l.data->>'sessionId' AS session_id, l.event_type, l.data->>'tutorId' AS tutor_id,
                l.data->>'groupId' AS group_id, l.data->'attendance' AS attendance, l.verdicts,
                l.local_date::text AS local_date,
                CASE WHEN l.local_date IS NULL THEN l.data->>'startedAt' END AS started_at`,
      districtId,
      cp,
      limit,
    )) as Raw[];
    const xmin = raw[0]?.xmin ?? cp.horizon;
    const rows: ReadLedgerRow[] = [];
    for (const r of raw) {
      if (r.position === null) continue;
      rows.push({
        position: Number(r.position),
        streamVersion: r.stream_version,
        transactionId: r.tx,
        districtId: r.district_id,
        vendorId: r.vendor_id,
        sessionId: r.session_id,
        eventType: r.event_type,
        data: { tutorId: r.tutor_id, groupId: r.group_id, attendance: r.attendance },
        verdicts: r.verdicts,
        localDate: r.local_date,
        startedAt: r.started_at,
      });
    }
    return { rows, next: advanceCheckpoint(cp, rows, xmin, limit) };
  }

  /**
   * The next entries after `cp`, whole (data, metadata, time recorded): what the ledger publisher turns into the
   * events other services and the vendor receive. Same order and checkpoint rule as `readBatch`.
   */
  async readEntries(
    m: EntityManager,
    districtId: string,
    cp: ReaderCheckpoint,
    limit: number,
  ): Promise<{ rows: WholeLedgerRow[]; next: ReaderCheckpoint }> {
    const raw = (await this.pick(
      m,
      `l.position, l.stream_version, l.transaction_id::text AS tx, l.district_id, l.vendor_id, l.event_id,
                l.event_type, l.data, l.metadata, l.verdicts, l.local_date::text AS local_date,
                to_char(l.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at`,
      districtId,
      cp,
      limit,
    )) as RawWhole[];
    const xmin = raw[0]?.xmin ?? cp.horizon;
    const rows: WholeLedgerRow[] = [];
    for (const r of raw) {
      if (r.position === null) continue;
      rows.push({
        position: Number(r.position),
        transactionId: r.tx,
        streamVersion: r.stream_version,
        districtId: r.district_id,
        vendorId: r.vendor_id,
        eventId: r.event_id,
        eventType: r.event_type,
        data: r.data,
        metadata: r.metadata,
        verdicts: r.verdicts,
        localDate: r.local_date,
        recordedAt: r.recorded_at,
      });
    }
    return { rows, next: advanceCheckpoint(cp, rows, xmin, limit) };
  }

  /**
   * One statement, so the xmin and the rows come from the same snapshot. The order is on the table's columns (an
   * output column named transaction_id would be sorted as text, and 10000 sorts before 9999) and must come from the
   * (district_id, transaction_id, position) index, so the LIMIT stops the scan after one batch: with statistics
   * that predate a backlog, the planner would otherwise fetch and sort the whole backlog on every batch (quadratic
   * catch-up). Hence no sort for this one statement; the batch is picked on the narrow keys and only its rows are
   * fetched whole, with the columns `select` names (of `l`).
   */
  private async pick(
    m: EntityManager,
    select: string,
    districtId: string,
    cp: ReaderCheckpoint,
    limit: number,
  ): Promise<unknown[]> {
    await m.query(`SET LOCAL enable_sort = off`);
    const raw = (await m.query(
      `WITH s AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin)
       SELECT s.xmin, e.* FROM s LEFT JOIN LATERAL (
         SELECT ${select}
           FROM (SELECT k.transaction_id, k.position FROM ${this.schema}.ledger_entries k
                  WHERE k.district_id = $1
                    AND k.transaction_id >= $2::xid8
                    AND k.transaction_id <> ALL($3::xid8[])
                    AND NOT (k.transaction_id = $4::xid8 AND k.position <= $5::bigint)
                  ORDER BY k.transaction_id, k.position
                  LIMIT $6) o
           JOIN ${this.schema}.ledger_entries l ON l.position = o.position
          ORDER BY o.transaction_id, o.position) e ON true`,
      [districtId, cp.horizon, cp.done, cp.partial?.transactionId ?? '0', cp.partial?.position ?? 0, limit],
    )) as unknown[];
    await m.query(`SET LOCAL enable_sort = on`);
    return raw;
  }

  /** Committed entries the checkpoint has not consumed yet (projection lag), in the district's tenant transaction. */
  async lag(m: EntityManager, districtId: string, cp: ReaderCheckpoint): Promise<number> {
    const rows = (await m.query(
      `SELECT count(*)::int AS n FROM ${this.schema}.ledger_entries
        WHERE district_id = $1 AND transaction_id >= $2::xid8 AND transaction_id <> ALL($3::xid8[])
          AND NOT (transaction_id = $4::xid8 AND position <= $5::bigint)`,
      [districtId, cp.horizon, cp.done, cp.partial?.transactionId ?? '0', cp.partial?.position ?? 0],
    )) as { n: number }[];
    return rows[0]?.n ?? 0;
  }

  /** Districts that have ledger entries (ids only; maintained by a trigger on the ledger). */
  async districts(m: EntityManager): Promise<string[]> {
    const rows = (await m.query(`SELECT district_id FROM ${this.schema}.ledger_districts ORDER BY district_id`)) as {
      district_id: string;
    }[];
    return rows.map((r) => r.district_id);
  }
}

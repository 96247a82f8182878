import type { EntityManager } from 'typeorm';
import { emptySessionStream, LineVerdict, SessionStreamState, streamIdOf } from '@tutoring/session-ledger/domain';

export interface NewLedgerEntry {
  vendorId: string;
  sessionId: string;
  expectedVersion: number;
  eventId: string;
  eventType: string;
  schemaVersion: number;
  districtId: string;
  data: unknown;
  metadata: Record<string, unknown>;
  /** Billable-line verdicts decided at append time; empty for a void. */
  verdicts?: readonly LineVerdict[];
  /** Local date of the session start in the district's zone; null for a void. */
  localDate?: string | null;
}

export interface ExistingEvent {
  position: number;
  data: unknown;
  verdicts: LineVerdict[];
}

export interface IngestRejection {
  vendorId: string | null;
  /** District of the registered vendor; null records it without tenant data (unattributed). */
  districtId: string | null;
  channel: string;
  ref: string;
  eventId: string | null;
  sessionId: string | null;
  errors: unknown[];
  source: Record<string, unknown>;
}

export class ConcurrencyConflict extends Error {}

/** The ledger table: append with optimistic concurrency on the stream version; never update, never delete. */
export class LedgerStore {
  constructor(private readonly schema: string) {}

  async findEvent(m: EntityManager, vendorId: string, eventId: string): Promise<ExistingEvent | null> {
    const rows = (await m.query(
      `SELECT position, data, verdicts FROM ${this.schema}.ledger_entries WHERE vendor_id = $1 AND event_id = $2`,
      [vendorId, eventId],
    )) as { position: string; data: unknown; verdicts: LineVerdict[] }[];
    const row = rows[0];
    return row ? { position: Number(row.position), data: row.data, verdicts: row.verdicts } : null;
  }

  async loadStream(m: EntityManager, vendorId: string, sessionId: string): Promise<SessionStreamState> {
    const rows = (await m.query(
      `SELECT stream_version, event_type FROM ${this.schema}.ledger_entries WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1`,
      [streamIdOf(vendorId, sessionId)],
    )) as { stream_version: number; event_type: string }[];
    const last = rows[0];
    if (!last) return emptySessionStream;
    return { version: last.stream_version, status: last.event_type.includes('.voided.') ? 'voided' : 'active' };
  }

  async append(m: EntityManager, e: NewLedgerEntry): Promise<number> {
    try {
      const rows = (await m.query(
        `INSERT INTO ${this.schema}.ledger_entries
           (stream_id, stream_version, event_id, event_type, schema_version, district_id, vendor_id, data, metadata, verdicts, local_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11::date) RETURNING position`,
        [
          streamIdOf(e.vendorId, e.sessionId),
          e.expectedVersion + 1,
          e.eventId,
          e.eventType,
          e.schemaVersion,
          e.districtId,
          e.vendorId,
          JSON.stringify(e.data),
          JSON.stringify(e.metadata),
          JSON.stringify(e.verdicts ?? []),
          e.localDate ?? null,
        ],
      )) as { position: string }[];
      return Number(rows[0]?.position);
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new ConcurrencyConflict(`stream ${e.vendorId}/${e.sessionId} moved on`);
      throw error;
    }
  }

  /** District of the vendor as registered, visible only inside that district's tenant transaction (RLS). */
  async vendorDistrict(m: EntityManager, vendorId: string): Promise<string | null> {
    const rows = (await m.query(`SELECT district_id FROM ${this.schema}.known_vendors WHERE vendor_id = $1`, [
      vendorId,
    ])) as {
      district_id: string;
    }[];
    return rows[0]?.district_id ?? null;
  }

  /** Whether the vendor has topics at all (tenant-free routing table), whatever the district. */
  async vendorHasTopics(m: EntityManager, vendorId: string): Promise<boolean> {
    const rows = (await m.query(`SELECT 1 FROM ${this.schema}.vendor_topics WHERE vendor_id = $1`, [
      vendorId,
    ])) as unknown[];
    return rows.length > 0;
  }

  async recordRejection(m: EntityManager, r: IngestRejection): Promise<void> {
    if (r.districtId && r.vendorId) {
      await m.query(
        `INSERT INTO ${this.schema}.ingest_rejections (vendor_id, district_id, channel, source_ref, event_id, session_id, errors, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb) ON CONFLICT (source_ref) DO NOTHING`,
        [
          r.vendorId,
          r.districtId,
          r.channel,
          r.ref,
          r.eventId,
          r.sessionId,
          JSON.stringify(r.errors),
          JSON.stringify(r.source),
        ],
      );
      return;
    }
    await m.query(
      `INSERT INTO ${this.schema}.unattributed_rejections (vendor_id, channel, source_ref, event_id, session_id, errors)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (source_ref) DO NOTHING`,
      [r.vendorId, r.channel, r.ref, r.eventId, r.sessionId, JSON.stringify(r.errors)],
    );
  }
}

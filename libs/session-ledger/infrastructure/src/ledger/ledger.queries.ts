import type { EntityManager } from 'typeorm';

/**
 * Read side of the ledger for the HTTP API: every query runs inside the caller's tenant transaction (RLS) and
 * takes an explicit vendor scope (null = the whole district), so a vendor can never widen it by a parameter.
 */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface HistoryEntry {
  position: number;
  streamVersion: number;
  eventId: string;
  eventType: string;
  recordedAt: string;
  /** Why this version exists: `delivered`, or the vendor's reason for a correction or a void. */
  why: string;
  /** Where it came from: kafka (topic/partition/offset), http or csv (request/upload reference). */
  source: Record<string, unknown>;
  localDate: string | null;
  verdicts: unknown[];
  data: unknown;
}

export interface ExceptionRow {
  position: number;
  vendorId: string;
  sessionId: string;
  studentId: string;
  schoolId: string | null;
  localDate: string | null;
  exceptionCodes: string[];
  recordedAt: string;
}

export interface ExceptionFilter {
  vendorId: string | null;
  schoolIds: readonly string[] | null;
  studentId: string | null;
  /** Only students enrolled with the session's vendor in this program. */
  programId: string | null;
  /** Inclusive local date range (an ISO week in the district zone). */
  from: string | null;
  to: string | null;
}

const cursorOf = (...parts: (string | number)[]): string => Buffer.from(parts.join('|'), 'utf8').toString('base64url');
export const decodeCursor = (cursor: string | undefined): string[] | null =>
  cursor ? Buffer.from(cursor, 'base64url').toString('utf8').split('|') : null;

export class LedgerQueries {
  constructor(private readonly schema: string) {}

  async entries(m: EntityManager, vendorId: string | null, after: number, limit: number) {
    const rows = (await m.query(
      `SELECT position, stream_id, stream_version, event_id, event_type, vendor_id, data, verdicts, local_date::text AS local_date, recorded_at
         FROM ${this.schema}.ledger_entries
        WHERE position > $1 AND ($2::uuid IS NULL OR vendor_id = $2)
        ORDER BY position LIMIT $3`,
      [after, vendorId, limit],
    )) as { position: string }[];
    const items = rows.map((r) => ({ ...r, position: Number(r.position) }));
    return { items, nextAfter: items.length === limit ? (items[items.length - 1]?.position ?? null) : null };
  }

  async rejections(m: EntityManager, vendorId: string | null, after: number, limit: number) {
    const rows = (await m.query(
      `SELECT id, vendor_id, channel, event_id, session_id, errors, source, received_at FROM ${this.schema}.ingest_rejections
        WHERE id > $1 AND ($2::uuid IS NULL OR vendor_id = $2)
        ORDER BY id LIMIT $3`,
      [after, vendorId, limit],
    )) as { id: string }[];
    const items = rows.map((r) => ({ ...r, id: Number(r.id) }));
    return { items, nextAfter: items.length === limit ? (items[items.length - 1]?.id ?? null) : null };
  }

  async history(
    m: EntityManager,
    vendorId: string,
    sessionId: string,
    afterVersion: number,
    limit: number,
  ): Promise<Page<HistoryEntry>> {
    const rows = (await m.query(
      `SELECT position, stream_version, event_id, event_type, recorded_at, metadata, local_date::text AS local_date, verdicts, data
         FROM ${this.schema}.ledger_entries
        WHERE vendor_id = $1 AND stream_id = $2 AND stream_version > $3
        ORDER BY stream_version LIMIT $4`,
      [vendorId, `${vendorId}/${sessionId}`, afterVersion, limit],
    )) as {
      position: string;
      stream_version: number;
      event_id: string;
      event_type: string;
      recorded_at: Date;
      metadata: Record<string, unknown>;
      local_date: string | null;
      verdicts: unknown[];
      data: { reason?: string };
    }[];
    const items = rows.map((r): HistoryEntry => ({
      position: Number(r.position),
      streamVersion: r.stream_version,
      eventId: r.event_id,
      eventType: r.event_type,
      recordedAt: r.recorded_at.toISOString(),
      why: r.data.reason ?? 'delivered',
      source: r.metadata,
      localDate: r.local_date,
      verdicts: r.verdicts,
      data: r.data,
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: items.length === limit && last ? cursorOf(last.streamVersion) : null };
  }

  /** Current exceptions: lines of each session's latest version (not voided) that failed a billable-line rule. */
  async exceptions(
    m: EntityManager,
    f: ExceptionFilter,
    after: [number, string] | null,
    limit: number,
  ): Promise<Page<ExceptionRow>> {
    const s = this.schema;
    const rows = (await m.query(
      `SELECT e.position, e.vendor_id, e.data->>'sessionId' AS session_id, v->>'studentId' AS student_id, st.school_id,
              e.local_date::text AS local_date, v->'exceptionCodes' AS codes, e.recorded_at
         FROM ${s}.ledger_entries e
         CROSS JOIN LATERAL jsonb_array_elements(e.verdicts) v
         LEFT JOIN ${s}.ref_students st ON st.student_id = (v->>'studentId')::uuid
        WHERE jsonb_array_length(v->'exceptionCodes') > 0
          AND NOT EXISTS (SELECT 1 FROM ${s}.ledger_entries later WHERE later.stream_id = e.stream_id AND later.stream_version > e.stream_version)
          AND ($1::uuid IS NULL OR e.vendor_id = $1)
          AND ($2::uuid[] IS NULL OR st.school_id = ANY($2::uuid[]))
          AND ($3::text IS NULL OR v->>'studentId' = $3)
          AND ($4::date IS NULL OR e.local_date >= $4) AND ($5::date IS NULL OR e.local_date <= $5)
          AND ($6::bigint IS NULL OR (e.position, v->>'studentId') > ($6::bigint, $7::text))
          AND ($9::uuid IS NULL OR EXISTS (SELECT 1 FROM ${s}.ref_enrolments en
                WHERE en.student_id = (v->>'studentId')::uuid AND en.vendor_id = e.vendor_id AND en.program_id = $9))
        ORDER BY e.position, v->>'studentId'
        LIMIT $8`,
      [f.vendorId, f.schoolIds, f.studentId, f.from, f.to, after?.[0] ?? null, after?.[1] ?? '', limit, f.programId],
    )) as {
      position: string;
      vendor_id: string;
      session_id: string;
      student_id: string;
      school_id: string | null;
      local_date: string | null;
      codes: string[];
      recorded_at: Date;
    }[];
    const items = rows.map((r): ExceptionRow => ({
      position: Number(r.position),
      vendorId: r.vendor_id,
      sessionId: r.session_id,
      studentId: r.student_id,
      schoolId: r.school_id,
      localDate: r.local_date,
      exceptionCodes: r.codes,
      recordedAt: r.recorded_at.toISOString(),
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: items.length === limit && last ? cursorOf(last.position, last.studentId) : null };
  }
}

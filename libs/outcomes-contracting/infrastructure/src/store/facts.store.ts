// The local fact tables: what the ledger, enrollment and scheduling told us. Written by the consumer (inside the
// tenant transaction of the validated event's district), read when a statement is computed, always as of one
// snapshot (ADR 0028): ledger facts carry the transaction that wrote them, and every state of an assessment or an
// occurrence is kept as a version by the database, so a statement and its recomputation read the same facts, whatever
// arrived or committed in between.
import type { EntityManager } from 'typeorm';
import type {
  AssessmentRecordedV1,
  LedgerSessionRecordedV1,
  OccurrenceCancelledV1,
  OccurrencePlannedV1,
} from '@tutoring/shared/contracts';
import type {
  AssessmentFact,
  LedgerEntryFact,
  OccurrenceFact,
  PaymentFactLine,
} from '@tutoring/outcomes-contracting/domain';
import { assertSchemaName } from '@tutoring/shared/messaging';

/** A PostgreSQL snapshot (`pg_snapshot` text): the facts committed when it was taken, and only those. */
export type FactsSnapshot = string;

/**
 * Rows of `alias` visible in the snapshot parameter `$n`. Every row when the snapshot is null (a statement issued
 * before ADR 0028), and a ledger fact recorded before it (no transaction) in every snapshot.
 */
const asOf = (alias: string, n: number): string =>
  `($${n}::pg_snapshot IS NULL OR ${alias}.recorded_tx IS NULL OR pg_visible_in_snapshot(${alias}.recorded_tx, $${n}::pg_snapshot))`;

/** Rows fetched per round trip when a statement reads its facts (a cursor, so the driver never holds them all). */
const FACTS_PAGE_ROWS = 20_000;

/** The shared empty lists (most lines have no exception, most occurrences no cancellation); frozen against changes. */
const NO_CODES = Object.freeze([]) as unknown as string[];
const NO_CANCELLATIONS = Object.freeze([]) as unknown as OccurrenceFact['cancelled'];

/**
 * One copy per distinct value. A contract's facts repeat the same student ids, dates and statuses millions of times
 * (each student on every session line and occurrence): kept once each, the facts of a 100,000-student school year
 * fit in the service's heap.
 */
class Interned {
  private readonly seen = new Map<string, string>();
  of(value: string): string {
    const known = this.seen.get(value);
    if (known !== undefined) return known;
    this.seen.set(value, value);
    return value;
  }
}

export class FactsStore {
  private readonly s: string;
  private cursors = 0;

  constructor(
    schema: string,
    private readonly pageRows = FACTS_PAGE_ROWS,
  ) {
    this.s = assertSchemaName(schema);
  }

  /**
   * The rows of `sql`, page by page through a cursor of the caller's transaction: only one page of raw rows is in
   * memory at a time, each turned into facts before the next is fetched. On an error the transaction is aborted and
   * takes the cursor with it.
   */
  private async eachPage<R>(m: EntityManager, sql: string, params: unknown[], take: (rows: R[]) => void) {
    const cursor = `facts_${++this.cursors}`;
    // Every row is read: plan for all of them, not for a fast first page (PostgreSQL's default for cursors, 0.1).
    await m.query(`SET LOCAL cursor_tuple_fraction = 1.0`);
    await m.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${sql}`, params);
    for (;;) {
      const rows = (await m.query(`FETCH ${this.pageRows} FROM ${cursor}`)) as R[];
      take(rows);
      if (rows.length < this.pageRows) break;
    }
    await m.query(`CLOSE ${cursor}`);
  }

  /** The snapshot a statement reads its facts in, taken before its first read of them. */
  async snapshot(m: EntityManager): Promise<FactsSnapshot> {
    const rows = (await m.query(`SELECT pg_current_snapshot()::text AS s`)) as { s: string }[];
    return (rows[0] as { s: string }).s;
  }

  /** Idempotent on the ledger position: a redelivered entry is a no-op. */
  async recordLedgerEntry(m: EntityManager, e: LedgerSessionRecordedV1): Promise<void> {
    const lines: PaymentFactLine[] = e.lines.map((l) => ({
      studentId: l.studentId,
      status: l.status,
      minutes: l.minutes,
      billable: l.billable,
      exceptionCodes: l.exceptionCodes,
    }));
    await m.query(
      `INSERT INTO ${this.s}.ledger_facts (district_id, ledger_position, vendor_id, session_id, kind, local_date, scheduled_session_id, lines)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::json) ON CONFLICT DO NOTHING`,
      [
        e.districtId,
        e.ledgerPosition,
        e.vendorId,
        e.sessionId,
        e.kind,
        e.localDate,
        e.scheduledSessionId,
        JSON.stringify(lines),
      ],
    );
  }

  /**
   * Last one wins per (student, year, window, subject): a re-scored test replaces the earlier result. The same result
   * again changes nothing, so the database records no new version of it (assessment_versions, ADR 0028).
   */
  async recordAssessment(m: EntityManager, a: AssessmentRecordedV1): Promise<void> {
    await m.query(
      `INSERT INTO ${this.s}.assessments AS t (district_id, student_id, school_year, test_window, subject, assessment_id, scale_score, percentile, growth_percentile)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (district_id, student_id, school_year, test_window, subject) DO UPDATE
       SET assessment_id = EXCLUDED.assessment_id, scale_score = EXCLUDED.scale_score, percentile = EXCLUDED.percentile, growth_percentile = EXCLUDED.growth_percentile
       WHERE (t.assessment_id, t.scale_score, t.percentile, t.growth_percentile)
         IS DISTINCT FROM (EXCLUDED.assessment_id, EXCLUDED.scale_score, EXCLUDED.percentile, EXCLUDED.growth_percentile)`,
      [
        a.districtId,
        a.studentId,
        a.schoolYear,
        a.window,
        a.subject,
        a.assessmentId,
        a.scaleScore,
        a.percentile,
        a.growthPercentile,
      ],
    );
  }

  /** A re-plan replaces the occurrence; a plan published again unchanged records no new version (occurrence_versions). */
  async recordOccurrencePlanned(m: EntityManager, o: OccurrencePlannedV1): Promise<void> {
    await m.query(
      `INSERT INTO ${this.s}.occurrences AS t (district_id, occurrence_id, vendor_id, occurrence_date, student_ids) VALUES ($1, $2, $3, $4, $5::uuid[])
       ON CONFLICT (district_id, occurrence_id) DO UPDATE SET vendor_id = EXCLUDED.vendor_id, occurrence_date = EXCLUDED.occurrence_date, student_ids = EXCLUDED.student_ids
       WHERE (t.vendor_id, t.occurrence_date, t.student_ids) IS DISTINCT FROM (EXCLUDED.vendor_id, EXCLUDED.occurrence_date, EXCLUDED.student_ids)`,
      [o.districtId, o.occurrenceId, o.vendorId, o.date, o.studentIds],
    );
  }

  async recordOccurrenceCancelled(m: EntityManager, c: OccurrenceCancelledV1): Promise<void> {
    const cancelled = c.studentIds.map((studentId) => ({ studentId, accountable: c.accountable }));
    await m.query(
      `UPDATE ${this.s}.occurrences SET cancelled = cancelled || $3::jsonb WHERE district_id = $1 AND occurrence_id = $2`,
      [c.districtId, c.occurrenceId, JSON.stringify(cancelled)],
    );
  }

  /** Every ledger entry of the vendor up to `position` in the snapshot, ascending. */
  async ledgerEntries(
    m: EntityManager,
    vendorId: string,
    position: number,
    snapshot: FactsSnapshot | null,
  ): Promise<LedgerEntryFact[]> {
    const out: LedgerEntryFact[] = [];
    const one = new Interned();
    await this.eachPage<{
      ledger_position: string;
      session_id: string;
      kind: LedgerEntryFact['kind'];
      local_date: string | null;
      scheduled_session_id: string | null;
      lines: PaymentFactLine[];
    }>(
      m,
      `SELECT ledger_position, session_id, kind, to_char(local_date, 'YYYY-MM-DD') AS local_date, scheduled_session_id, lines
         FROM ${this.s}.ledger_facts f WHERE vendor_id = $1 AND ledger_position <= $2 AND ${asOf('f', 3)} ORDER BY ledger_position`,
      [vendorId, position, snapshot],
      (rows) => {
        for (const r of rows) {
          for (const line of r.lines) {
            line.studentId = one.of(line.studentId);
            line.status = one.of(line.status) as PaymentFactLine['status'];
            line.exceptionCodes = line.exceptionCodes.length ? line.exceptionCodes.map((c) => one.of(c)) : NO_CODES;
          }
          out.push({
            ledgerPosition: Number(r.ledger_position),
            sessionId: r.session_id,
            kind: r.kind,
            localDate: r.local_date === null ? null : one.of(r.local_date),
            scheduledSessionId: r.scheduled_session_id,
            lines: r.lines,
          });
        }
      },
    );
    return out;
  }

  /** Highest ledger position known for the vendor in the snapshot (0 when none). */
  async ledgerHighWater(m: EntityManager, vendorId: string, snapshot: FactsSnapshot): Promise<number> {
    const rows = (await m.query(
      `SELECT COALESCE(MAX(ledger_position), 0) AS p FROM ${this.s}.ledger_facts f WHERE vendor_id = $1 AND ${asOf('f', 2)}`,
      [vendorId, snapshot],
    )) as { p: string }[];
    return Number(rows[0]?.p ?? 0);
  }

  /** The latest result per student and window in the snapshot (its latest version there), by student and window. */
  async assessments(
    m: EntityManager,
    schoolYear: string,
    subject: string,
    snapshot: FactsSnapshot | null,
  ): Promise<AssessmentFact[]> {
    const out: AssessmentFact[] = [];
    const one = new Interned();
    await this.eachPage<{
      assessment_id: string;
      student_id: string;
      school_year: string;
      test_window: AssessmentFact['window'];
      subject: string;
      scale_score: string;
      percentile: string;
      growth_percentile: string | null;
    }>(
      m,
      `SELECT DISTINCT ON (student_id, test_window)
              assessment_id, student_id, school_year, test_window, subject, scale_score, percentile, growth_percentile
         FROM ${this.s}.assessment_versions a WHERE school_year = $1 AND subject = $2 AND ${asOf('a', 3)}
        ORDER BY student_id, test_window, seq DESC`,
      [schoolYear, subject, snapshot],
      (rows) => {
        for (const r of rows)
          out.push({
            assessmentId: r.assessment_id,
            studentId: one.of(r.student_id),
            schoolYear: one.of(r.school_year),
            window: one.of(r.test_window) as AssessmentFact['window'],
            subject: one.of(r.subject),
            scaleScore: Number(r.scale_score),
            percentile: Number(r.percentile),
            growthPercentile: r.growth_percentile === null ? null : Number(r.growth_percentile),
          });
      },
    );
    return out;
  }

  /**
   * The vendor's occurrences in [from, to] in the snapshot: each one's latest version there, with its cancellations
   * (one re-planned out of the range or to another vendor is not listed).
   */
  async occurrences(
    m: EntityManager,
    vendorId: string,
    from: string,
    to: string,
    snapshot: FactsSnapshot | null,
  ): Promise<OccurrenceFact[]> {
    const out: OccurrenceFact[] = [];
    const one = new Interned();
    await this.eachPage<{
      occurrence_id: string;
      occurrence_date: string;
      student_ids: string[];
      cancelled: OccurrenceFact['cancelled'];
    }>(
      m,
      `SELECT o.occurrence_id, to_char(o.occurrence_date, 'YYYY-MM-DD') AS occurrence_date, array_to_json(o.student_ids) AS student_ids, o.cancelled
         FROM ${this.s}.occurrence_versions o
        WHERE o.vendor_id = $1 AND o.occurrence_date BETWEEN $2 AND $3 AND ${asOf('o', 4)}
          AND NOT EXISTS (SELECT 1 FROM ${this.s}.occurrence_versions later
                           WHERE later.district_id = o.district_id AND later.occurrence_id = o.occurrence_id
                             AND later.seq > o.seq AND ${asOf('later', 4)})
        ORDER BY o.occurrence_date, o.occurrence_id`,
      [vendorId, from, to, snapshot],
      (rows) => {
        for (const r of rows) {
          for (const c of r.cancelled) c.studentId = one.of(c.studentId);
          out.push({
            occurrenceId: r.occurrence_id,
            date: one.of(r.occurrence_date),
            studentIds: r.student_ids.map((id) => one.of(id)),
            cancelled: r.cancelled.length ? r.cancelled : NO_CANCELLATIONS,
          });
        }
      },
    );
    return out;
  }
}

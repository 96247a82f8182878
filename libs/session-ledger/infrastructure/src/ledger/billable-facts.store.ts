import type { EntityManager } from 'typeorm';

/**
 * The per-student index of attended lines of active sessions (overlap and duplicate lookups), kept in the same
 * transaction as the ledger append, and the student locks that serialise its readers and writers. The reference
 * facts themselves are read by `BatchFacts`, for one session or a batch.
 */
export class BillableFactsStore {
  constructor(private readonly schema: string) {}

  /**
   * Serialises concurrent ingests that touch the same student (overlap and duplicate rules read what the other
   * transaction is about to write). Locks in a fixed order, so two sessions sharing students cannot deadlock.
   */
  async lockStudents(m: EntityManager, studentIds: readonly string[]): Promise<void> {
    if (studentIds.length === 0) return;
    await m.query(
      `SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(s, 7) AS k FROM unnest($1::text[]) s ORDER BY 1) x`,
      [studentIds],
    );
  }

  /** The session's attended lines replace its earlier ones; a void (no lines) just removes them. */
  async replaceActiveLines(
    m: EntityManager,
    districtId: string,
    vendorId: string,
    sessionId: string,
    current: { tutorId: string; startedAt: string; endedAt: string; studentIds: readonly string[] } | null,
  ): Promise<void> {
    const s = this.schema;
    await m.query(`DELETE FROM ${s}.active_session_lines WHERE vendor_id = $1 AND session_id = $2`, [
      vendorId,
      sessionId,
    ]);
    if (!current || current.studentIds.length === 0) return;
    await m.query(
      `INSERT INTO ${s}.active_session_lines (district_id, vendor_id, session_id, student_id, tutor_id, starts_at, ends_at)
       SELECT $1, $2, $3, sid, $5, $6, $7 FROM unnest($4::uuid[]) AS sid`,
      [districtId, vendorId, sessionId, current.studentIds, current.tutorId, current.startedAt, current.endedAt],
    );
  }
}

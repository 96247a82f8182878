import type { EntityManager } from 'typeorm';
import {
  countsForDosage,
  ProjectedLine,
  ProjectionBatch,
  sessionKeyOf,
  SessionRow,
} from '@tutoring/session-ledger/domain';
import { PROJECTION_SLOTS, ProjectionSlot } from '../migrations/1700000000301-projections.migration';
import { READER_START, ReaderCheckpoint } from '../reader/ledger.reader';

export const SESSIONS_PROJECTION = 'sessions';

export interface ReadModelSnapshot {
  sessions: string[];
  dosage: string[];
  tutors: string[];
  payment: string[];
}

const assertSlot = (slot: string): ProjectionSlot => {
  if (!(PROJECTION_SLOTS as readonly string[]).includes(slot)) throw new Error(`not a projection slot: ${slot}`);
  return slot as ProjectionSlot;
};

interface RawSession {
  vendor_id: string;
  session_id: string;
  local_date: string;
  iso_week: string;
  period: string;
  tutor_id: string | null;
  group_id: string | null;
  position: string;
  lines: ProjectedLine[];
}

/**
 * SQL side of the dosage and payment read models: loads the touched sessions' state, writes a batch's effect as
 * set-based statements (one per table, whatever the batch size) and the checkpoint, all in the caller's tenant
 * transaction. Aggregate rows are upserted by delta and deleted when they fall to zero, as evolve* do in the domain.
 */
export class SessionProjectionStore {
  constructor(private readonly schema: string) {}

  private t(table: string, slot: ProjectionSlot): string {
    return `${this.schema}.${table}_${assertSlot(slot)}`;
  }

  async activeSlot(m: EntityManager): Promise<ProjectionSlot> {
    const rows = (await m.query(`SELECT active FROM ${this.schema}.proj_slots WHERE projection = $1`, [
      SESSIONS_PROJECTION,
    ])) as { active: string }[];
    return assertSlot(rows[0]?.active ?? 'a');
  }

  async checkpoint(m: EntityManager, districtId: string, slot: ProjectionSlot): Promise<ReaderCheckpoint> {
    const rows = (await m.query(
      `SELECT transaction_id::text AS horizon, done::text[] AS done, partial_transaction_id::text AS partial_tx, partial_position, position
         FROM ${this.schema}.proj_checkpoints WHERE district_id = $1 AND projection = $2 AND slot = $3`,
      [districtId, SESSIONS_PROJECTION, slot],
    )) as {
      horizon: string;
      done: string[];
      partial_tx: string | null;
      partial_position: string | null;
      position: string;
    }[];
    const row = rows[0];
    if (!row) return READER_START;
    return {
      horizon: row.horizon,
      done: row.done,
      partial: row.partial_tx ? { transactionId: row.partial_tx, position: Number(row.partial_position) } : null,
      position: Number(row.position),
    };
  }

  async loadSessions(
    m: EntityManager,
    districtId: string,
    slot: ProjectionSlot,
    keys: { vendorId: string; sessionId: string }[],
  ): Promise<Map<string, SessionRow>> {
    const out = new Map<string, SessionRow>();
    if (keys.length === 0) return out;
    const rows = (await m.query(
      `SELECT s.vendor_id, s.session_id, s.local_date::text AS local_date, s.iso_week, s.period, s.tutor_id, s.group_id, s.position, s.lines
         FROM ${this.t('proj_sessions', slot)} s
         JOIN unnest($2::uuid[], $3::text[]) AS k(vendor_id, session_id) ON k.vendor_id = s.vendor_id AND k.session_id = s.session_id
        WHERE s.district_id = $1`,
      [districtId, keys.map((k) => k.vendorId), keys.map((k) => k.sessionId)],
    )) as RawSession[];
    for (const r of rows) {
      out.set(sessionKeyOf(r.vendor_id, r.session_id), {
        vendorId: r.vendor_id,
        sessionId: r.session_id,
        localDate: r.local_date,
        isoWeek: r.iso_week,
        period: r.period,
        tutorId: r.tutor_id,
        groupId: r.group_id,
        position: Number(r.position),
        lines: r.lines,
      });
    }
    return out;
  }

  async apply(
    m: EntityManager,
    districtId: string,
    slot: ProjectionSlot,
    batch: ProjectionBatch,
    reached: ReaderCheckpoint,
  ): Promise<void> {
    await this.writeSessions(m, districtId, slot, batch);
    await this.writeDosage(m, districtId, slot, batch);
    await this.writeTutors(m, districtId, slot, batch);
    await this.writePayment(m, districtId, slot, batch);
    await m.query(
      `INSERT INTO ${this.schema}.proj_checkpoints
         (district_id, projection, slot, transaction_id, done, partial_transaction_id, partial_position, position, updated_at)
       VALUES ($1, $2, $3, $4::xid8, $5::xid8[], $6::xid8, $7, $8, now())
       ON CONFLICT (district_id, projection, slot) DO UPDATE
         SET transaction_id = EXCLUDED.transaction_id, done = EXCLUDED.done, partial_transaction_id = EXCLUDED.partial_transaction_id,
             partial_position = EXCLUDED.partial_position, position = EXCLUDED.position, updated_at = now()`,
      [
        districtId,
        SESSIONS_PROJECTION,
        slot,
        reached.horizon,
        reached.done,
        reached.partial?.transactionId ?? null,
        reached.partial?.position ?? null,
        reached.position,
      ],
    );
  }

  /** Every row of one district's slot, in key order, as plain values: for comparing a rebuild with the live slot. */
  async snapshot(m: EntityManager, districtId: string, slot: ProjectionSlot): Promise<ReadModelSnapshot> {
    const q = async (sql: string): Promise<string[]> =>
      ((await m.query(sql, [districtId])) as { r: string }[]).map((x) => x.r);
    return {
      sessions: await q(
        `SELECT concat_ws('|', vendor_id, session_id, local_date, iso_week, period, tutor_id, group_id, counted_lines, counted_minutes, billable_lines, exception_lines, lines::text) AS r
           FROM ${this.t('proj_sessions', slot)} WHERE district_id = $1 ORDER BY vendor_id, session_id`,
      ),
      dosage: await q(
        `SELECT concat_ws('|', student_id, iso_week, attended_minutes, counted_sessions) AS r
           FROM ${this.t('proj_dosage_weeks', slot)} WHERE district_id = $1 ORDER BY student_id, iso_week`,
      ),
      tutors: await q(
        `SELECT concat_ws('|', student_id, tutor_id, counted_sessions) AS r
           FROM ${this.t('proj_student_tutors', slot)} WHERE district_id = $1 ORDER BY student_id, tutor_id`,
      ),
      payment: await q(
        `SELECT concat_ws('|', vendor_id, period, billable_minutes, billable_sessions, exception_lines, exception_minutes) AS r
           FROM ${this.t('proj_payment_periods', slot)} WHERE district_id = $1 ORDER BY vendor_id, period`,
      ),
    };
  }

  /** Empties one slot of one district (the fresh tables a rebuild replays into). */
  async clearSlot(m: EntityManager, districtId: string, slot: ProjectionSlot): Promise<void> {
    for (const table of ['proj_sessions', 'proj_dosage_weeks', 'proj_student_tutors', 'proj_payment_periods']) {
      await m.query(`DELETE FROM ${this.t(table, slot)} WHERE district_id = $1`, [districtId]);
    }
    await m.query(
      `DELETE FROM ${this.schema}.proj_checkpoints WHERE district_id = $1 AND projection = $2 AND slot = $3`,
      [districtId, SESSIONS_PROJECTION, slot],
    );
  }

  private async writeSessions(
    m: EntityManager,
    districtId: string,
    slot: ProjectionSlot,
    batch: ProjectionBatch,
  ): Promise<void> {
    const gone: { vendor_id: string; session_id: string }[] = [];
    const rows: Record<string, unknown>[] = [];
    for (const [, s] of batch.sessions) {
      if (!s) continue;
      const counted = s.lines.filter(countsForDosage);
      rows.push({
        vendor_id: s.vendorId,
        session_id: s.sessionId,
        local_date: s.localDate,
        iso_week: s.isoWeek,
        period: s.period,
        tutor_id: s.tutorId,
        group_id: s.groupId,
        group_size: s.lines.length,
        counted_lines: counted.length,
        counted_minutes: counted.reduce((a, l) => a + l.minutes, 0),
        billable_lines: s.lines.filter((l) => l.billable).length,
        exception_lines: s.lines.filter((l) => !l.billable).length,
        position: s.position,
        lines: s.lines,
      });
    }
    for (const [key, s] of batch.sessions) {
      if (s) continue;
      const slash = key.indexOf('/');
      gone.push({ vendor_id: key.slice(0, slash), session_id: key.slice(slash + 1) });
    }
    if (gone.length) {
      await m.query(
        `DELETE FROM ${this.t('proj_sessions', slot)} s USING jsonb_to_recordset($2::jsonb) AS x(vendor_id uuid, session_id text)
          WHERE s.district_id = $1 AND s.vendor_id = x.vendor_id AND s.session_id = x.session_id`,
        [districtId, JSON.stringify(gone)],
      );
    }
    if (!rows.length) return;
    await m.query(
      `INSERT INTO ${this.t('proj_sessions', slot)}
         (district_id, vendor_id, session_id, local_date, iso_week, period, tutor_id, group_id, group_size, counted_lines,
          counted_minutes, billable_lines, exception_lines, position, lines)
       SELECT $1, x.* FROM jsonb_to_recordset($2::jsonb) AS x(vendor_id uuid, session_id text, local_date date, iso_week text,
              period text, tutor_id uuid, group_id uuid, group_size int, counted_lines int, counted_minutes int,
              billable_lines int, exception_lines int, position bigint, lines jsonb)
       ON CONFLICT (district_id, vendor_id, session_id) DO UPDATE SET
         local_date = EXCLUDED.local_date, iso_week = EXCLUDED.iso_week, period = EXCLUDED.period, tutor_id = EXCLUDED.tutor_id,
         group_id = EXCLUDED.group_id, group_size = EXCLUDED.group_size, counted_lines = EXCLUDED.counted_lines,
         counted_minutes = EXCLUDED.counted_minutes, billable_lines = EXCLUDED.billable_lines,
         exception_lines = EXCLUDED.exception_lines, position = EXCLUDED.position, lines = EXCLUDED.lines`,
      [districtId, JSON.stringify(rows)],
    );
  }

  private async writeDosage(
    m: EntityManager,
    districtId: string,
    slot: ProjectionSlot,
    batch: ProjectionBatch,
  ): Promise<void> {
    const deltas = [...batch.dosage.values()]
      .filter((d) => d.attendedMinutes !== 0 || d.countedSessions !== 0)
      .map((d) => ({ student_id: d.studentId, iso_week: d.isoWeek, m: d.attendedMinutes, s: d.countedSessions }));
    if (!deltas.length) return;
    const table = this.t('proj_dosage_weeks', slot);
    const json = JSON.stringify(deltas);
    await m.query(
      `INSERT INTO ${table} AS w (district_id, student_id, iso_week, attended_minutes, counted_sessions)
       SELECT $1, x.student_id, x.iso_week, x.m, x.s FROM jsonb_to_recordset($2::jsonb) AS x(student_id uuid, iso_week text, m int, s int)
       ON CONFLICT (district_id, student_id, iso_week) DO UPDATE
         SET attended_minutes = w.attended_minutes + EXCLUDED.attended_minutes, counted_sessions = w.counted_sessions + EXCLUDED.counted_sessions`,
      [districtId, json],
    );
    if (deltas.some((d) => d.m < 0 || d.s < 0)) {
      await m.query(
        `DELETE FROM ${table} w USING jsonb_to_recordset($2::jsonb) AS x(student_id uuid, iso_week text)
          WHERE w.district_id = $1 AND w.student_id = x.student_id AND w.iso_week = x.iso_week
            AND w.attended_minutes = 0 AND w.counted_sessions = 0`,
        [districtId, json],
      );
    }
  }

  private async writeTutors(
    m: EntityManager,
    districtId: string,
    slot: ProjectionSlot,
    batch: ProjectionBatch,
  ): Promise<void> {
    const deltas = [...batch.tutors.values()]
      .filter((d) => d.countedSessions !== 0)
      .map((d) => ({ student_id: d.studentId, tutor_id: d.tutorId, s: d.countedSessions }));
    if (!deltas.length) return;
    const table = this.t('proj_student_tutors', slot);
    const json = JSON.stringify(deltas);
    await m.query(
      `INSERT INTO ${table} AS w (district_id, student_id, tutor_id, counted_sessions)
       SELECT $1, x.student_id, x.tutor_id, x.s FROM jsonb_to_recordset($2::jsonb) AS x(student_id uuid, tutor_id uuid, s int)
       ON CONFLICT (district_id, student_id, tutor_id) DO UPDATE SET counted_sessions = w.counted_sessions + EXCLUDED.counted_sessions`,
      [districtId, json],
    );
    if (deltas.some((d) => d.s < 0)) {
      await m.query(
        `DELETE FROM ${table} w USING jsonb_to_recordset($2::jsonb) AS x(student_id uuid, tutor_id uuid)
          WHERE w.district_id = $1 AND w.student_id = x.student_id AND w.tutor_id = x.tutor_id AND w.counted_sessions = 0`,
        [districtId, json],
      );
    }
  }

  private async writePayment(
    m: EntityManager,
    districtId: string,
    slot: ProjectionSlot,
    batch: ProjectionBatch,
  ): Promise<void> {
    const deltas = [...batch.payment.values()]
      .filter(
        (d) =>
          d.billableMinutes !== 0 || d.billableSessions !== 0 || d.exceptionLines !== 0 || d.exceptionMinutes !== 0,
      )
      .map((d) => ({
        vendor_id: d.vendorId,
        period: d.period,
        bm: d.billableMinutes,
        bs: d.billableSessions,
        el: d.exceptionLines,
        em: d.exceptionMinutes,
      }));
    if (!deltas.length) return;
    const table = this.t('proj_payment_periods', slot);
    const json = JSON.stringify(deltas);
    await m.query(
      `INSERT INTO ${table} AS p (district_id, vendor_id, period, billable_minutes, billable_sessions, exception_lines, exception_minutes)
       SELECT $1, x.vendor_id, x.period, x.bm, x.bs, x.el, x.em
         FROM jsonb_to_recordset($2::jsonb) AS x(vendor_id uuid, period text, bm bigint, bs bigint, el bigint, em bigint)
       ON CONFLICT (district_id, vendor_id, period) DO UPDATE SET
         billable_minutes = p.billable_minutes + EXCLUDED.billable_minutes, billable_sessions = p.billable_sessions + EXCLUDED.billable_sessions,
         exception_lines = p.exception_lines + EXCLUDED.exception_lines, exception_minutes = p.exception_minutes + EXCLUDED.exception_minutes`,
      [districtId, json],
    );
    await m.query(
      `DELETE FROM ${table} WHERE district_id = $1 AND billable_minutes = 0 AND billable_sessions = 0 AND exception_lines = 0 AND exception_minutes = 0`,
      [districtId],
    );
  }
}

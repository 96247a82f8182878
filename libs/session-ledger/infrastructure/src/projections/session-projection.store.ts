import type { EntityManager } from 'typeorm';
import {
  countsForDosage,
  DOSE_STATUSES,
  ProjectedLine,
  ProjectionBatch,
  sessionKeyOf,
  SessionRow,
} from '@tutoring/session-ledger/domain';
import { PROJECTION_SLOTS, ProjectionSlot } from '../migrations/1700000000301-projections.migration';
import { READER_START, ReaderCheckpoint } from '../reader/ledger.reader';

export const SESSIONS_PROJECTION = 'sessions';
/** The aggregate rows of the sessions projection, each derivable from the session rows (`deriveAggregate`). */
export const DERIVED_AGGREGATES = ['dosage', 'tutors', 'payment'] as const;
export type DerivedAggregate = (typeof DERIVED_AGGREGATES)[number];
/** The ledger publisher's checkpoint row (ADR 0022): a follower of the ledger with no second slot. */
export const LEDGER_EVENTS_FOLLOWER = 'ledger-events';
/** The advisory lock (hashtext of this key) the ledger publisher of a district tries; a replica that misses it passes. */
export const publisherLockKey = (schema: string, districtId: string): string =>
  `${schema}.ledger-publisher:${districtId}`;

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

  /** A reader's checkpoint: the read models' (default) or another follower's of the ledger (e.g. the publisher). */
  async checkpoint(
    m: EntityManager,
    districtId: string,
    slot: ProjectionSlot,
    projection: string = SESSIONS_PROJECTION,
  ): Promise<ReaderCheckpoint> {
    const rows = (await m.query(
      `SELECT transaction_id::text AS horizon, pending::text[] AS pending, done::text[] AS done,
              partial_transaction_id::text AS partial_tx, partial_position, position
         FROM ${this.schema}.proj_checkpoints WHERE district_id = $1 AND projection = $2 AND slot = $3`,
      [districtId, projection, slot],
    )) as {
      horizon: string;
      pending: string[];
      done: string[];
      partial_tx: string | null;
      partial_position: string | null;
      position: string;
    }[];
    const row = rows[0];
    if (!row) return READER_START;
    return {
      horizon: row.horizon,
      pending: row.pending,
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
      // LATERAL: one primary-key probe per session, whatever the planner guesses of unnest against a large table.
      `SELECT s.vendor_id, s.session_id, s.local_date::text AS local_date, s.iso_week, s.period, s.tutor_id, s.group_id, s.position, s.lines
         FROM unnest($2::uuid[], $3::text[]) AS k(vendor_id, session_id)
         JOIN LATERAL (SELECT * FROM ${this.t('proj_sessions', slot)} p
                        WHERE p.district_id = $1 AND p.vendor_id = k.vendor_id AND p.session_id = k.session_id LIMIT 1) s ON true`,
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

  /**
   * Writes a batch's effect and the checkpoint. `fresh` are sessions the caller did not load because their first
   * entry in the batch is version 1 of their stream: they are inserted with ON CONFLICT DO NOTHING and checked, and
   * if any of them already has a row (an entry order the version did not predict) `PriorStateFound` is thrown, the
   * transaction rolls back and the caller replays the batch with every session loaded.
   */
  async apply(
    m: EntityManager,
    districtId: string,
    slot: ProjectionSlot,
    batch: ProjectionBatch,
    reached: ReaderCheckpoint,
    fresh: ReadonlySet<string> = new Set(),
  ): Promise<void> {
    await this.writeSessions(m, districtId, slot, batch, fresh);
    await this.writeDosage(m, districtId, slot, batch);
    await this.writeTutors(m, districtId, slot, batch);
    await this.writePayment(m, districtId, slot, batch);
    await this.writeCheckpoint(m, districtId, slot, reached);
  }

  /**
   * Replaces one district's rows of one aggregate in `slot` with sums over its session rows there: what a rebuild
   * does once it has replayed the district's sessions (ADR 0023), each aggregate in a transaction of its own so the
   * three run side by side. The same sums as the fold's deltas (`accumulate`): dosage and tutor counts over the
   * lines that give dose (`DOSE_STATUSES`, minutes > 0), payment over every line by its verdict. Each row is
   * written once, in key order, instead of once per batch that touches it.
   */
  async deriveAggregate(
    m: EntityManager,
    districtId: string,
    slot: ProjectionSlot,
    aggregate: DerivedAggregate,
  ): Promise<void> {
    // One hash or sort of every line of the district: memory for it, and no JIT (compiling costs more than it saves).
    await m.query(`SET LOCAL work_mem = '128MB'`);
    await m.query(`SET LOCAL jit = off`);
    const { table, insert, byDose } = this.derivationOf(slot, aggregate);
    await m.query(`DELETE FROM ${table} WHERE district_id = $1`, [districtId]);
    await m.query(insert, byDose ? [districtId, DOSE_STATUSES] : [districtId]);
  }

  /** The statement that derives one aggregate from the session rows; `byDose`: it takes the dose statuses as $2. */
  private derivationOf(
    slot: ProjectionSlot,
    aggregate: DerivedAggregate,
  ): { table: string; insert: string; byDose: boolean } {
    const sessions = this.t('proj_sessions', slot);
    const doseLines = `FROM ${sessions} s
         CROSS JOIN LATERAL jsonb_to_recordset(s.lines) AS l("studentId" uuid, status text, minutes int)
        WHERE s.district_id = $1 AND l.status = ANY($2::text[]) AND l.minutes > 0`;
    switch (aggregate) {
      case 'dosage': {
        const table = this.t('proj_dosage_weeks', slot);
        const insert = `INSERT INTO ${table} (district_id, student_id, iso_week, attended_minutes, counted_sessions)
           SELECT $1::uuid, l."studentId", s.iso_week, sum(l.minutes), count(*) ${doseLines}
            GROUP BY l."studentId", s.iso_week ORDER BY l."studentId", s.iso_week`;
        return { table, insert, byDose: true };
      }
      case 'tutors': {
        const table = this.t('proj_student_tutors', slot);
        const insert = `INSERT INTO ${table} (district_id, student_id, tutor_id, counted_sessions)
           SELECT $1::uuid, l."studentId", s.tutor_id, count(*) ${doseLines} AND s.tutor_id IS NOT NULL
            GROUP BY l."studentId", s.tutor_id ORDER BY l."studentId", s.tutor_id`;
        return { table, insert, byDose: true };
      }
      case 'payment': {
        const table = this.t('proj_payment_periods', slot);
        const insert = `INSERT INTO ${table}
             (district_id, vendor_id, period, billable_minutes, billable_sessions, exception_lines, exception_minutes)
           SELECT $1::uuid, s.vendor_id, s.period,
                  coalesce(sum(l.minutes) FILTER (WHERE l.billable), 0), count(*) FILTER (WHERE l.billable),
                  count(*) FILTER (WHERE NOT l.billable), coalesce(sum(l.minutes) FILTER (WHERE NOT l.billable), 0)
             FROM ${sessions} s CROSS JOIN LATERAL jsonb_to_recordset(s.lines) AS l(billable boolean, minutes int)
            WHERE s.district_id = $1
            GROUP BY s.vendor_id, s.period`;
        return { table, insert, byDose: false };
      }
      default: {
        const _exhaustive: never = aggregate;
        throw new Error(`unknown aggregate ${String(_exhaustive)}`);
      }
    }
  }

  async writeCheckpoint(
    m: EntityManager,
    districtId: string,
    slot: ProjectionSlot,
    reached: ReaderCheckpoint,
    projection: string = SESSIONS_PROJECTION,
  ): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.proj_checkpoints
         (district_id, projection, slot, transaction_id, pending, done, partial_transaction_id, partial_position, position, updated_at)
       VALUES ($1, $2, $3, $4::xid8, $9::xid8[], $5::xid8[], $6::xid8, $7, $8, now())
       ON CONFLICT (district_id, projection, slot) DO UPDATE
         SET transaction_id = EXCLUDED.transaction_id, pending = EXCLUDED.pending, done = EXCLUDED.done,
             partial_transaction_id = EXCLUDED.partial_transaction_id, partial_position = EXCLUDED.partial_position,
             position = EXCLUDED.position, updated_at = now()`,
      [
        districtId,
        projection,
        slot,
        reached.horizon,
        reached.done,
        reached.partial?.transactionId ?? null,
        reached.partial?.position ?? null,
        reached.position,
        reached.pending,
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
    fresh: ReadonlySet<string>,
  ): Promise<void> {
    const table = this.t('proj_sessions', slot);
    const upsert = sessionColumns();
    const insert = sessionColumns();
    const gone = columns(2);
    const freshGone = columns(2);
    for (const [key, s] of batch.sessions) {
      const isFresh = fresh.has(key);
      if (!s) {
        const slash = key.indexOf('/');
        (isFresh ? freshGone : gone).push([key.slice(0, slash), key.slice(slash + 1)]);
        continue;
      }
      (isFresh ? insert : upsert).add(s);
    }
    // One array parameter per column (unnest), and every session's lines in one JSON document whose elements are
    // matched by ordinal: measured cheaper, for Postgres and for Node, than a jsonb[] or text[] of documents, one
    // jsonb document, or building the jsonb from flat line arrays.
    const values = `SELECT $1::uuid, x.vendor_id, x.session_id, x.local_date, x.iso_week, x.period, x.tutor_id, x.group_id,
              x.group_size, x.counted_lines, x.counted_minutes, x.billable_lines, x.exception_lines, x.position, j.lines::jsonb
         FROM unnest($2::uuid[], $3::text[], $4::date[], $5::text[], $6::text[], $7::uuid[], $8::uuid[], $9::int[], $10::int[],
                     $11::int[], $12::int[], $13::int[], $14::bigint[]) WITH ORDINALITY
              AS x(vendor_id, session_id, local_date, iso_week, period, tutor_id, group_id, group_size, counted_lines,
                   counted_minutes, billable_lines, exception_lines, position, n)
         JOIN json_array_elements($15::json) WITH ORDINALITY AS j(lines, n) ON j.n = x.n
        ORDER BY x.vendor_id, x.session_id`;
    const cols = `(district_id, vendor_id, session_id, local_date, iso_week, period, tutor_id, group_id, group_size, counted_lines,
          counted_minutes, billable_lines, exception_lines, position, lines)`;
    if (freshGone.length) {
      const found = (await m.query(
        `SELECT count(*)::int AS n FROM ${table} s JOIN unnest($2::uuid[], $3::text[]) AS k(vendor_id, session_id)
            ON s.vendor_id = k.vendor_id AND s.session_id = k.session_id WHERE s.district_id = $1`,
        [districtId, ...freshGone.arrays()],
      )) as { n: number }[];
      if ((found[0]?.n ?? 0) > 0) throw new PriorStateFound();
    }
    if (insert.length) {
      // Plain INSERT (no arbiter): a key that exists after all is a unique violation, which aborts the transaction.
      try {
        await m.query(`INSERT INTO ${table} ${cols} ${values}`, [districtId, ...insert.arrays()]);
      } catch (error) {
        if (uniqueViolation(error)) throw new PriorStateFound();
        throw error;
      }
    }
    if (gone.length) {
      await m.query(
        `DELETE FROM ${table} s USING unnest($2::uuid[], $3::text[]) AS x(vendor_id, session_id)
          WHERE s.district_id = $1 AND s.vendor_id = x.vendor_id AND s.session_id = x.session_id`,
        [districtId, ...gone.arrays()],
      );
    }
    if (upsert.length) {
      await m.query(
        `INSERT INTO ${table} ${cols} ${values}
         ON CONFLICT (district_id, vendor_id, session_id) DO UPDATE SET
           local_date = EXCLUDED.local_date, iso_week = EXCLUDED.iso_week, period = EXCLUDED.period, tutor_id = EXCLUDED.tutor_id,
           group_id = EXCLUDED.group_id, group_size = EXCLUDED.group_size, counted_lines = EXCLUDED.counted_lines,
           counted_minutes = EXCLUDED.counted_minutes, billable_lines = EXCLUDED.billable_lines,
           exception_lines = EXCLUDED.exception_lines, position = EXCLUDED.position, lines = EXCLUDED.lines`,
        [districtId, ...upsert.arrays()],
      );
    }
  }

  /**
   * Aggregate rows: one upsert adding the summed deltas, then a
   * delete of the rows a negative delta may have brought to zero (only those keys), as evolve* return null.
   */
  private async writeDosage(
    m: EntityManager,
    districtId: string,
    slot: ProjectionSlot,
    batch: ProjectionBatch,
  ): Promise<void> {
    const table = this.t('proj_dosage_weeks', slot);
    const all = columns(4);
    const shrunk = columns(2);
    for (const d of batch.dosage.values()) {
      if (!d || (d.attendedMinutes === 0 && d.countedSessions === 0)) continue;
      all.push([d.studentId, d.isoWeek, d.attendedMinutes, d.countedSessions]);
      if (d.attendedMinutes < 0 || d.countedSessions < 0) shrunk.push([d.studentId, d.isoWeek]);
    }
    if (!all.length) return;
    await m.query(
      `INSERT INTO ${table} AS w (district_id, student_id, iso_week, attended_minutes, counted_sessions)
       SELECT $1::uuid, x.* FROM unnest($2::uuid[], $3::text[], $4::int[], $5::int[]) AS x(student_id, iso_week, m, c)
        ORDER BY x.student_id, x.iso_week
       ON CONFLICT (district_id, student_id, iso_week) DO UPDATE
         SET attended_minutes = w.attended_minutes + EXCLUDED.attended_minutes, counted_sessions = w.counted_sessions + EXCLUDED.counted_sessions`,
      [districtId, ...all.arrays()],
    );
    if (shrunk.length) {
      await m.query(
        `DELETE FROM ${table} w USING unnest($2::uuid[], $3::text[]) AS x(student_id, iso_week)
          WHERE w.district_id = $1 AND w.student_id = x.student_id AND w.iso_week = x.iso_week
            AND w.attended_minutes = 0 AND w.counted_sessions = 0`,
        [districtId, ...shrunk.arrays()],
      );
    }
  }

  private async writeTutors(
    m: EntityManager,
    districtId: string,
    slot: ProjectionSlot,
    batch: ProjectionBatch,
  ): Promise<void> {
    const table = this.t('proj_student_tutors', slot);
    const all = columns(3);
    const shrunk = columns(2);
    for (const d of batch.tutors.values()) {
      if (!d || d.countedSessions === 0) continue;
      all.push([d.studentId, d.tutorId, d.countedSessions]);
      if (d.countedSessions < 0) shrunk.push([d.studentId, d.tutorId]);
    }
    if (!all.length) return;
    await m.query(
      `INSERT INTO ${table} AS w (district_id, student_id, tutor_id, counted_sessions)
       SELECT $1::uuid, x.* FROM unnest($2::uuid[], $3::uuid[], $4::int[]) AS x(student_id, tutor_id, c)
        ORDER BY x.student_id, x.tutor_id
       ON CONFLICT (district_id, student_id, tutor_id) DO UPDATE SET counted_sessions = w.counted_sessions + EXCLUDED.counted_sessions`,
      [districtId, ...all.arrays()],
    );
    if (shrunk.length) {
      await m.query(
        `DELETE FROM ${table} w USING unnest($2::uuid[], $3::uuid[]) AS x(student_id, tutor_id)
          WHERE w.district_id = $1 AND w.student_id = x.student_id AND w.tutor_id = x.tutor_id AND w.counted_sessions = 0`,
        [districtId, ...shrunk.arrays()],
      );
    }
  }

  private async writePayment(
    m: EntityManager,
    districtId: string,
    slot: ProjectionSlot,
    batch: ProjectionBatch,
  ): Promise<void> {
    const table = this.t('proj_payment_periods', slot);
    const all = columns(6);
    let negative = false;
    for (const d of batch.payment.values()) {
      if (!d) continue;
      const values = [d.billableMinutes, d.billableSessions, d.exceptionLines, d.exceptionMinutes];
      if (values.every((v) => v === 0)) continue;
      if (values.some((v) => v < 0)) negative = true;
      all.push([d.vendorId, d.period, ...values]);
    }
    if (!all.length) return;
    await m.query(
      `INSERT INTO ${table} AS p (district_id, vendor_id, period, billable_minutes, billable_sessions, exception_lines, exception_minutes)
       SELECT $1::uuid, x.* FROM unnest($2::uuid[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[]) AS x
       ON CONFLICT (district_id, vendor_id, period) DO UPDATE SET
         billable_minutes = p.billable_minutes + EXCLUDED.billable_minutes, billable_sessions = p.billable_sessions + EXCLUDED.billable_sessions,
         exception_lines = p.exception_lines + EXCLUDED.exception_lines, exception_minutes = p.exception_minutes + EXCLUDED.exception_minutes`,
      [districtId, ...all.arrays()],
    );
    if (negative) {
      await m.query(
        `DELETE FROM ${table} WHERE district_id = $1 AND billable_minutes = 0 AND billable_sessions = 0 AND exception_lines = 0 AND exception_minutes = 0`,
        [districtId],
      );
    }
  }
}

/** Thrown when a session taken as new (version 1 first in the batch) already has a row: replay the batch fully. */
export class PriorStateFound extends Error {
  constructor() {
    super('a session taken as new already has a read-model row; the batch is replayed with every session loaded');
    this.name = 'PriorStateFound';
  }
}

const uniqueViolation = (error: unknown): boolean => {
  const e = error as { code?: string; driverError?: { code?: string } };
  return e.code === '23505' || e.driverError?.code === '23505';
};

/** Session rows as 13 column arrays plus the lines of every row as one JSON document (element i = row i). */
const sessionColumns = () => {
  const rows = columns(13);
  const lines: SessionRow['lines'][] = [];
  // `push` copies a row into the column arrays, so one row array serves every session (a rebuild adds 25,000).
  const row = new Array<unknown>(13);
  return {
    get length(): number {
      return rows.length;
    },
    add(s: SessionRow): void {
      let countedLines = 0;
      let countedMinutes = 0;
      let billable = 0;
      for (const l of s.lines) {
        if (countsForDosage(l)) {
          countedLines++;
          countedMinutes += l.minutes;
        }
        if (l.billable) billable++;
      }
      row[0] = s.vendorId;
      row[1] = s.sessionId;
      row[2] = s.localDate;
      row[3] = s.isoWeek;
      row[4] = s.period;
      row[5] = s.tutorId;
      row[6] = s.groupId;
      row[7] = s.lines.length;
      row[8] = countedLines;
      row[9] = countedMinutes;
      row[10] = billable;
      row[11] = s.lines.length - billable;
      row[12] = s.position;
      rows.push(row);
      lines.push(s.lines);
    },
    arrays(): string[] {
      return [...rows.arrays(), JSON.stringify(lines)];
    },
  };
};

/**
 * Column-wise buffers for `unnest($n::type[], …)`: one array parameter per column, whatever the row count. Each
 * column is sent as a ready array literal: uuids, numbers, dates and booleans need no quoting, text is quoted and
 * escaped. Much cheaper for Node than the driver's generic per-element array serialisation.
 */
const columns = (width: number) => {
  const cols: unknown[][] = Array.from({ length: width }, () => []);
  let length = 0;
  return {
    get length(): number {
      return length;
    },
    push(row: unknown[]): void {
      for (let i = 0; i < width; i++) cols[i]!.push(row[i]);
      length++;
    },
    arrays(): string[] {
      return cols.map(arrayLiteral);
    },
  };
};

const QUOTED = /[\\"]/g;
/**
 * A Postgres array literal. Columns of numbers are joined as they are; columns of strings without quote or
 * backslash are quoted by one join (each element stays one element whatever commas or braces it holds); anything
 * else (nulls, strings to escape) element by element.
 */
const arrayLiteral = (values: unknown[]): string => {
  if (values.length === 0) return '{}';
  let numbers = true;
  let plainStrings = true;
  for (const v of values) {
    if (typeof v !== 'number') numbers = false;
    if (typeof v !== 'string' || v.includes('"') || v.includes('\\')) plainStrings = false;
    if (!numbers && !plainStrings) break;
  }
  if (numbers) return `{${values.join(',')}}`;
  if (plainStrings) return `{"${values.join('","')}"}`;
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    parts[i] =
      v === null || v === undefined ? 'NULL' : typeof v === 'string' ? `"${v.replace(QUOTED, '\\$&')}"` : String(v);
  }
  return `{${parts.join(',')}}`;
};

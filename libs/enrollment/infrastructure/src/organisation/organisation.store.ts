import type { DataSource, EntityManager } from 'typeorm';
import type { CalendarSnapshot, DistrictSnapshot, ProgramSnapshot } from '@tutoring/enrollment/domain';
import {
  DISTRICT_CONFIGURED_V1,
  ENROLLMENT_ORGANISATION_TOPIC,
  PROGRAM_DEFINED_V1,
  SCHOOL_CALENDAR_SET_V1,
} from '@tutoring/shared/contracts';
import { enqueueOutbox } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { internalMessage } from '../outbox/internal-event';

export interface Stamp {
  eventId: string;
  now: Date;
}

export interface SchoolRow {
  schoolId: string;
  districtId: string;
  sourcedId: string | null;
  name: string;
  active: boolean;
}

export class NotFound extends Error {}

/** Districts, schools, calendars and programs; each change and its event commit together (outbox). */
export class PostgresOrganisationStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  private tx<T>(districtId: string, work: (m: EntityManager) => Promise<T>): Promise<T> {
    return inTenantTransaction(this.dataSource, districtId, work);
  }

  async getDistrict(districtId: string): Promise<DistrictSnapshot | null> {
    const rows = (await this.tx(districtId, (m) =>
      m.query(`SELECT district_id, time_zone FROM ${this.schema}.districts WHERE district_id = $1`, [districtId]),
    )) as { district_id: string; time_zone: string }[];
    const r = rows[0];
    return r ? { districtId: r.district_id, timeZone: r.time_zone } : null;
  }

  /** Returns false (and publishes nothing) when the district already has this configuration. */
  async configureDistrict(district: DistrictSnapshot, stamp: Stamp): Promise<boolean> {
    return this.tx(district.districtId, async (m) => {
      const rows = (await m.query(
        `INSERT INTO ${this.schema}.districts (district_id, time_zone, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (district_id) DO UPDATE SET time_zone = EXCLUDED.time_zone, updated_at = EXCLUDED.updated_at
           WHERE districts.time_zone IS DISTINCT FROM EXCLUDED.time_zone
         RETURNING district_id`,
        [district.districtId, district.timeZone, stamp.now],
      )) as unknown[];
      if (rows.length === 0) return false;
      await enqueueOutbox(m, this.schema, [
        internalMessage(ENROLLMENT_ORGANISATION_TOPIC, district.districtId, DISTRICT_CONFIGURED_V1, district, {
          id: stamp.eventId,
          time: stamp.now.toISOString(),
          districtId: district.districtId,
        }),
      ]);
      return true;
    });
  }

  async createSchool(school: SchoolRow): Promise<SchoolRow> {
    await this.tx(school.districtId, (m) =>
      m.query(
        `INSERT INTO ${this.schema}.schools (school_id, district_id, sourced_id, name, active) VALUES ($1, $2, $3, $4, $5)`,
        [school.schoolId, school.districtId, school.sourcedId, school.name, school.active],
      ),
    );
    return school;
  }

  async listSchools(districtId: string, limit: number, offset: number): Promise<{ items: SchoolRow[]; total: number }> {
    return this.tx(districtId, async (m) => {
      const rows = (await m.query(
        `SELECT school_id, district_id, sourced_id, name, active, count(*) OVER () AS total
           FROM ${this.schema}.schools ORDER BY name, school_id LIMIT $1 OFFSET $2`,
        [limit, offset],
      )) as {
        school_id: string;
        district_id: string;
        sourced_id: string | null;
        name: string;
        active: boolean;
        total: string;
      }[];
      const total = rows[0]
        ? Number(rows[0].total)
        : (((await m.query(`SELECT count(*)::int AS n FROM ${this.schema}.schools`)) as { n: number }[])[0]?.n ?? 0);
      return {
        items: rows.map((r) => ({
          schoolId: r.school_id,
          districtId: r.district_id,
          sourcedId: r.sourced_id,
          name: r.name,
          active: r.active,
        })),
        total,
      };
    });
  }

  async schoolExists(districtId: string, schoolId: string): Promise<boolean> {
    const rows = (await this.tx(districtId, (m) =>
      m.query(`SELECT 1 FROM ${this.schema}.schools WHERE school_id = $1`, [schoolId]),
    )) as unknown[];
    return rows.length > 0;
  }

  /** Replaces the school's calendar for the year; publishes only when it changed. */
  async setCalendar(districtId: string, schoolId: string, calendar: CalendarSnapshot, stamp: Stamp): Promise<boolean> {
    return this.tx(districtId, async (m) => {
      const exists = (await m.query(`SELECT 1 FROM ${this.schema}.schools WHERE school_id = $1`, [
        schoolId,
      ])) as unknown[];
      if (exists.length === 0) throw new NotFound(`school ${schoolId} not found`);
      const rows = (await m.query(
        `INSERT INTO ${this.schema}.school_calendars (district_id, school_id, school_year, instructional_days, early_release_days, updated_at)
         VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6)
         ON CONFLICT (school_id, school_year) DO UPDATE
           SET instructional_days = EXCLUDED.instructional_days, early_release_days = EXCLUDED.early_release_days, updated_at = EXCLUDED.updated_at
           WHERE school_calendars.instructional_days <> EXCLUDED.instructional_days
              OR school_calendars.early_release_days <> EXCLUDED.early_release_days
         RETURNING school_id`,
        [
          districtId,
          schoolId,
          calendar.schoolYear,
          JSON.stringify(calendar.instructionalDays),
          JSON.stringify(calendar.earlyReleaseDays),
          stamp.now,
        ],
      )) as unknown[];
      if (rows.length === 0) return false;
      await enqueueOutbox(m, this.schema, [
        internalMessage(
          ENROLLMENT_ORGANISATION_TOPIC,
          districtId,
          SCHOOL_CALENDAR_SET_V1,
          { districtId, schoolId, ...calendar },
          { id: stamp.eventId, time: stamp.now.toISOString(), districtId },
        ),
      ]);
      return true;
    });
  }

  async getCalendar(districtId: string, schoolId: string, schoolYear: string): Promise<CalendarSnapshot | null> {
    const rows = (await this.tx(districtId, (m) =>
      m.query(
        `SELECT school_year, instructional_days, early_release_days FROM ${this.schema}.school_calendars WHERE school_id = $1 AND school_year = $2`,
        [schoolId, schoolYear],
      ),
    )) as { school_year: string; instructional_days: string[]; early_release_days: string[] }[];
    const r = rows[0];
    return r
      ? { schoolYear: r.school_year, instructionalDays: r.instructional_days, earlyReleaseDays: r.early_release_days }
      : null;
  }

  async saveProgram(program: ProgramSnapshot, stamp: Stamp): Promise<boolean> {
    return this.tx(program.districtId, async (m) => {
      const rows = (await m.query(
        `INSERT INTO ${this.schema}.programs (program_id, district_id, snapshot, updated_at) VALUES ($1, $2, $3::jsonb, $4)
         ON CONFLICT (program_id) DO UPDATE SET snapshot = EXCLUDED.snapshot, updated_at = EXCLUDED.updated_at
           WHERE programs.snapshot <> EXCLUDED.snapshot
         RETURNING program_id`,
        [program.programId, program.districtId, JSON.stringify(program), stamp.now],
      )) as unknown[];
      if (rows.length === 0) return false;
      await enqueueOutbox(m, this.schema, [
        internalMessage(ENROLLMENT_ORGANISATION_TOPIC, program.districtId, PROGRAM_DEFINED_V1, program, {
          id: stamp.eventId,
          time: stamp.now.toISOString(),
          districtId: program.districtId,
        }),
      ]);
      return true;
    });
  }

  async getProgram(districtId: string, programId: string): Promise<ProgramSnapshot | null> {
    const rows = (await this.tx(districtId, (m) =>
      m.query(`SELECT snapshot FROM ${this.schema}.programs WHERE program_id = $1`, [programId]),
    )) as { snapshot: ProgramSnapshot }[];
    return rows[0]?.snapshot ?? null;
  }

  async listPrograms(districtId: string, limit: number, offset: number): Promise<ProgramSnapshot[]> {
    const rows = (await this.tx(districtId, (m) =>
      m.query(
        `SELECT snapshot FROM ${this.schema}.programs ORDER BY snapshot->>'name', program_id LIMIT $1 OFFSET $2`,
        [limit, offset],
      ),
    )) as { snapshot: ProgramSnapshot }[];
    return rows.map((r) => r.snapshot);
  }
}

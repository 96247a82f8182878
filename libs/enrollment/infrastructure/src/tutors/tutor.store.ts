import type { DataSource } from 'typeorm';
import type { TutorSnapshot } from '@tutoring/enrollment/domain';
import { ENROLLMENT_TUTORS_TOPIC, TUTOR_REGISTERED_V1 } from '@tutoring/shared/contracts';
import { enqueueOutbox } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { internalMessage } from '../outbox/internal-event';

export class TutorOfAnotherVendor extends Error {}

/** Tutors (no names: a tutor is an id, a vendor, a clearance and a timetable); a change is published once. */
export class PostgresTutorStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  async save(tutor: TutorSnapshot, stamp: { eventId: string; now: Date }): Promise<boolean> {
    return inTenantTransaction(this.dataSource, tutor.districtId, async (m) => {
      const owner = (await m.query(`SELECT vendor_id FROM ${this.schema}.tutors WHERE tutor_id = $1`, [
        tutor.tutorId,
      ])) as { vendor_id: string }[];
      if (owner[0] && owner[0].vendor_id !== tutor.vendorId)
        throw new TutorOfAnotherVendor('this tutor id belongs to another vendor');
      const rows = (await m.query(
        `INSERT INTO ${this.schema}.tutors (tutor_id, district_id, vendor_id, snapshot, updated_at) VALUES ($1, $2, $3, $4::jsonb, $5)
         ON CONFLICT (tutor_id) DO UPDATE SET snapshot = EXCLUDED.snapshot, updated_at = EXCLUDED.updated_at WHERE tutors.snapshot <> EXCLUDED.snapshot
         RETURNING tutor_id`,
        [tutor.tutorId, tutor.districtId, tutor.vendorId, JSON.stringify(tutor), stamp.now],
      )) as unknown[];
      if (rows.length === 0) return false;
      await enqueueOutbox(m, this.schema, [
        internalMessage(ENROLLMENT_TUTORS_TOPIC, tutor.tutorId, TUTOR_REGISTERED_V1, tutor, {
          id: stamp.eventId,
          time: stamp.now.toISOString(),
          districtId: tutor.districtId,
        }),
      ]);
      return true;
    });
  }

  async get(districtId: string, tutorId: string): Promise<TutorSnapshot | null> {
    const rows = (await inTenantTransaction(this.dataSource, districtId, (m) =>
      m.query(`SELECT snapshot FROM ${this.schema}.tutors WHERE tutor_id = $1`, [tutorId]),
    )) as { snapshot: TutorSnapshot }[];
    return rows[0]?.snapshot ?? null;
  }

  async all(districtId: string): Promise<TutorSnapshot[]> {
    const rows = (await inTenantTransaction(this.dataSource, districtId, (m) =>
      m.query(`SELECT snapshot FROM ${this.schema}.tutors`),
    )) as {
      snapshot: TutorSnapshot;
    }[];
    return rows.map((r) => r.snapshot);
  }

  async list(districtId: string, f: { vendorId?: string; limit: number; offset: number }): Promise<TutorSnapshot[]> {
    const rows = (await inTenantTransaction(this.dataSource, districtId, (m) =>
      m.query(
        `SELECT snapshot FROM ${this.schema}.tutors WHERE ($1::uuid IS NULL OR vendor_id = $1) ORDER BY tutor_id LIMIT $2 OFFSET $3`,
        [f.vendorId ?? null, f.limit, f.offset],
      ),
    )) as { snapshot: TutorSnapshot }[];
    return rows.map((r) => r.snapshot);
  }
}

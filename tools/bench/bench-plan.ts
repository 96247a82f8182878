import { randomUUID } from 'node:crypto';
import type { SessionPlan } from '@tutoring/shared/testing';

/** The benchmarks' district: 33,000 students over a full term (18 weeks), with a vendor and ids of its own per run. */
export const benchDistrictPlan = (): SessionPlan => ({
  vendorId: randomUUID(),
  districtId: randomUUID(),
  students: 33_000,
  termStart: '2026-09-07',
  weeks: 18,
});

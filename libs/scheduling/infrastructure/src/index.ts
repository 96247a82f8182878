import { Scheduling1700000000201 } from './migrations/1700000000201-scheduling.migration';
import { EarlyRelease1700000000202 } from './migrations/1700000000202-early-release.migration';
import { AutoScheduleProposals1700000000203 } from './migrations/1700000000203-auto-schedule-proposals.migration';
import { SchedulingDistrictRegistry1700000000204 } from './migrations/1700000000204-district-registry.migration';
import { auditLogMigration } from '@tutoring/shared/audit';

export * from './migrations/1700000000201-scheduling.migration';
export * from './migrations/1700000000202-early-release.migration';
export * from './migrations/1700000000203-auto-schedule-proposals.migration';
export * from './migrations/1700000000204-district-registry.migration';
export * from './store/scheduling.store';

export const SCHEDULING_MIGRATIONS = [
  Scheduling1700000000201,
  EarlyRelease1700000000202,
  AutoScheduleProposals1700000000203,
  SchedulingDistrictRegistry1700000000204,
  // The shared append-only audit_log table (reads and changes of group membership; docs/security.md control 8).
  auditLogMigration('SchedulingAuditLog1700000000205'),
];
export * from './solver/highs.solver';
export * from './solver/highs-auto-scheduler';
export * as schedulingTesting from './testing/enrollment-events.fixture';
export * from './store/reference.store';

import { auditLogMigration } from '@tutoring/shared/audit';
import { Vendors1700000000001 } from './1700000000001-vendors.migration';
import { OrganisationAndRoster1700000000002 } from './1700000000002-organisation-and-roster.migration';
import { EnrolmentsTutorsAssessments1700000000004 } from './1700000000004-enrolments-tutors-assessments.migration';
import { TeacherScopeIndexes1700000000018 } from './1700000000018-teacher-scope-indexes.migration';
import { VendorKafkaAccessPending1700000000019 } from './1700000000019-vendor-kafka-access-pending.migration';

export const ENROLLMENT_MIGRATIONS = [
  Vendors1700000000001,
  OrganisationAndRoster1700000000002,
  auditLogMigration('EnrollmentAuditLog1700000000003'),
  EnrolmentsTutorsAssessments1700000000004,
  TeacherScopeIndexes1700000000018,
  VendorKafkaAccessPending1700000000019,
];

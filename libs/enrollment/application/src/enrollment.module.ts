import { Module, type DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  PostgresAssessmentStore,
  PostgresEnrolmentStore,
  PostgresOrganisationStore,
  PostgresRosterStore,
  PostgresStudentStore,
  PostgresTutorStore,
  PostgresVendorRepository,
} from '@tutoring/enrollment/infrastructure';
import { AuditModule } from '@tutoring/shared/audit';
import { DATA_SOURCE, SERVICE_SCHEMA } from '@tutoring/shared/runtime';
import { ENROLLMENT_CONFIG, type EnrollmentConfig } from './common/enrollment.config';
import { EnrollmentTopics } from './common/enrollment-topics';
import { ASSESSMENT_STORE, AssessmentsController } from './assessments/assessments.controller';
import { EligibilityController } from './eligibility/eligibility.controller';
import { EnrolmentHandler } from './enrolments/enrolment.handler';
import { EnrolmentsController } from './enrolments/enrolments.controller';
import { OrganisationController } from './organisation/organisation.controller';
import { OrganisationHandler } from './organisation/organisation.handler';
import { RosterController } from './roster/roster.controller';
import { RosterImportHandler } from './roster/roster-import.handler';
import { StudentsController } from './students/students.controller';
import { RegisterVendorHandler } from './vendors/register-vendor.handler';
import { TutorsController } from './tutors/tutors.controller';
import { VendorsController } from './vendors/vendors.controller';
import { VendorAccessModule } from './vendor-access/vendor-access.module';

const store = <T>(make: (ds: DataSource, schema: string) => T) => ({
  inject: [DATA_SOURCE, SERVICE_SCHEMA],
  useFactory: make,
});
const withConfig = <T>(make: (ds: DataSource, schema: string, config: EnrollmentConfig) => T) => ({
  inject: [DATA_SOURCE, SERVICE_SCHEMA, ENROLLMENT_CONFIG],
  useFactory: make,
});

@Module({
  imports: [AuditModule, VendorAccessModule],
  controllers: [
    VendorsController,
    OrganisationController,
    RosterController,
    StudentsController,
    EnrolmentsController,
    TutorsController,
    AssessmentsController,
    EligibilityController,
  ],
  providers: [
    EnrollmentTopics,
    { provide: ENROLLMENT_CONFIG, useValue: { crypto: null } satisfies EnrollmentConfig },
    { provide: PostgresVendorRepository, ...store((ds, schema) => new PostgresVendorRepository(ds, schema)) },
    { provide: PostgresOrganisationStore, ...store((ds, schema) => new PostgresOrganisationStore(ds, schema)) },
    {
      provide: ASSESSMENT_STORE,
      ...withConfig((ds, schema, c) => (c.crypto ? new PostgresAssessmentStore(ds, schema, c.crypto) : null)),
    },
    { provide: PostgresTutorStore, ...store((ds, schema) => new PostgresTutorStore(ds, schema)) },
    { provide: PostgresEnrolmentStore, ...store((ds, schema) => new PostgresEnrolmentStore(ds, schema)) },
    {
      provide: EnrolmentHandler,
      inject: [PostgresEnrolmentStore, PostgresOrganisationStore, EnrollmentTopics],
      useFactory: (e: PostgresEnrolmentStore, o: PostgresOrganisationStore, t: EnrollmentTopics) =>
        new EnrolmentHandler(e, o, (vendorId) => t.ensureVendorAssignments(vendorId)),
    },
    { provide: PostgresStudentStore, ...withConfig((ds, schema, c) => new PostgresStudentStore(ds, schema, c.crypto)) },
    {
      provide: RosterImportHandler,
      ...withConfig(
        (ds, schema, c) => new RosterImportHandler(c.crypto ? new PostgresRosterStore(ds, schema, c.crypto) : null),
      ),
    },
    {
      provide: RegisterVendorHandler,
      inject: [PostgresVendorRepository],
      useFactory: (vendors: PostgresVendorRepository) => new RegisterVendorHandler(vendors),
    },
    {
      provide: OrganisationHandler,
      inject: [PostgresOrganisationStore, PostgresVendorRepository],
      useFactory: (s: PostgresOrganisationStore, v: PostgresVendorRepository) => new OrganisationHandler(s, v),
    },
  ],
})
export class EnrollmentModule {
  /** The module with enrollment's validated configuration (the master key, when there is one). */
  static withConfig(config: EnrollmentConfig): DynamicModule {
    return { module: EnrollmentModule, providers: [{ provide: ENROLLMENT_CONFIG, useValue: config }] };
  }
}

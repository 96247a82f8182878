import { telemetry } from './telemetry';
import { EnrollmentModule, enrollmentConfigFrom, masterKeySpec } from '@tutoring/enrollment/application';
import { ENROLLMENT_MIGRATIONS } from '@tutoring/enrollment/infrastructure';
import { runService } from '@tutoring/shared/runtime';
import { loadConfigOrExit } from '@tutoring/shared/service-kit';

// ENROLLMENT_MASTER_KEY wraps every student's data key. A malformed key stops the service (exit 78); without one
// the service runs, and every route that touches student PII answers 503.
const { ENROLLMENT_MASTER_KEY } = loadConfigOrExit({ ENROLLMENT_MASTER_KEY: masterKeySpec });
if (!ENROLLMENT_MASTER_KEY) {
  process.stderr.write('{"level":"warn","msg":"ENROLLMENT_MASTER_KEY is not set: student PII routes answer 503"}\n');
}

void runService({
  name: 'enrollment',
  module: EnrollmentModule.withConfig(enrollmentConfigFrom(ENROLLMENT_MASTER_KEY)),
  migrations: ENROLLMENT_MIGRATIONS,
  telemetry,
});

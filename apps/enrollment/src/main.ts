import { telemetry } from './telemetry';
import { EnrollmentModule } from '@tutoring/enrollment/application';
import { ENROLLMENT_MIGRATIONS } from '@tutoring/enrollment/infrastructure';
import { runService } from '@tutoring/shared/runtime';

void runService({ name: 'enrollment', module: EnrollmentModule, migrations: ENROLLMENT_MIGRATIONS, telemetry });

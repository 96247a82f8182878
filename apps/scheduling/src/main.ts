import { telemetry } from './telemetry';
import { runService } from '@tutoring/shared/runtime';
import { SCHEDULING_MIGRATIONS } from '@tutoring/scheduling/infrastructure';
import { SchedulingModule } from './app.module';

void runService({ name: 'scheduling', module: SchedulingModule, migrations: SCHEDULING_MIGRATIONS, telemetry });

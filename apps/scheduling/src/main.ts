import { telemetry } from './telemetry';
import { runService } from '@tutoring/shared/runtime';
import { SchedulingModule } from './app.module';
import { SchedulingMessaging1700000000000 } from './migrations/1700000000000-messaging.migration';

void runService({ name: 'scheduling', module: SchedulingModule, migrations: [SchedulingMessaging1700000000000], telemetry });

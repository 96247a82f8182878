import { telemetry } from './telemetry';
import { messagingTablesMigration, runService } from '@tutoring/shared/runtime';
import { SchedulingModule } from './app.module';

void runService({ name: 'scheduling', module: SchedulingModule, migrations: [messagingTablesMigration('SchedulingMessaging1700000000000')], telemetry });

import { telemetry } from './telemetry';
import { messagingTablesMigration, runService } from '@tutoring/shared/runtime';
import { NotificationsModule } from './app.module';

void runService({ name: 'notifications', module: NotificationsModule, migrations: [messagingTablesMigration('NotificationsMessaging1700000000000')], telemetry });

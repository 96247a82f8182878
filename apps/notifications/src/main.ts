import { telemetry } from './telemetry';
import { runService } from '@tutoring/shared/runtime';
import { NotificationsModule } from './app.module';
import { NotificationsMessaging1700000000000 } from './migrations/1700000000000-messaging.migration';

void runService({ name: 'notifications', module: NotificationsModule, migrations: [NotificationsMessaging1700000000000], telemetry });

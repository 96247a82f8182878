import { telemetry } from './telemetry';
import {
  Notifications1700000000401,
  NotificationsLiveStart1700000000402,
} from '@tutoring/notifications/infrastructure';
import { auditLogMigration } from '@tutoring/shared/audit';
import { messagingTablesMigration, runService } from '@tutoring/shared/runtime';
import { NotificationsModule } from './app.module';

void runService({
  name: 'notifications',
  module: NotificationsModule,
  migrations: [
    messagingTablesMigration('NotificationsMessaging1700000000000'),
    auditLogMigration('NotificationsAuditLog1700000000050'),
    Notifications1700000000401,
    NotificationsLiveStart1700000000402,
  ],
  telemetry,
});

import { auditLogMigration } from '@tutoring/shared/audit';
import { messagingTablesMigration } from '@tutoring/shared/runtime';
import { Notifications1700000000401 } from './1700000000401-notifications.migration';
import { NotificationsLiveStart1700000000402 } from './1700000000402-live-start.migration';
import { NotificationsTenantRegistry1700000000403 } from './1700000000403-tenant-registry.migration';
import { NotificationsDistrictRegistry1700000000404 } from './1700000000404-district-registry.migration';
import { NotificationsSendAttempts1700000000405 } from './1700000000405-send-attempts.migration';

/** Everything the notifications service applies at start-up, in order (the security meta-tests read this too). */
export const NOTIFICATIONS_MIGRATIONS = [
  messagingTablesMigration('NotificationsMessaging1700000000000'),
  auditLogMigration('NotificationsAuditLog1700000000050'),
  Notifications1700000000401,
  NotificationsLiveStart1700000000402,
  NotificationsTenantRegistry1700000000403,
  NotificationsDistrictRegistry1700000000404,
  NotificationsSendAttempts1700000000405,
];

import { telemetry } from './telemetry';
import { notificationsConfigSchema } from '@tutoring/notifications/application';
import { NOTIFICATIONS_MIGRATIONS } from '@tutoring/notifications/infrastructure';
import { runService } from '@tutoring/shared/runtime';
import { NotificationsModule } from './app.module';

void runService({
  name: 'notifications',
  module: NotificationsModule,
  migrations: NOTIFICATIONS_MIGRATIONS,
  telemetry,
  config: notificationsConfigSchema,
});

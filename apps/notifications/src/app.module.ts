import { Module } from '@nestjs/common';
import { NotificationsModule as NotificationsContextModule } from '@tutoring/notifications/application';

/** The notifications service: rules, preferences, templates, delivery log (libs/notifications). */
@Module({ imports: [NotificationsContextModule] })
export class NotificationsModule {}

import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { DeliveryStore } from '@tutoring/notifications/infrastructure';
import { AuditLog, auditActor } from '@tutoring/shared/audit';
import { CurrentPrincipal, Principal, Roles } from '@tutoring/shared/auth';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { DATA_SOURCE } from '@tutoring/shared/runtime';
import { OffsetPageQueryDto } from '@tutoring/shared/service-kit';

/** The ids a principal is known by in the recipient directory: its subject, its vendor, its teacher id. */
export const principalRecipientIds = (p: Principal): string[] => [
  p.sub,
  ...(p.vendorId ? [p.vendorId] : []),
  ...(p.teacherId ? [p.teacherId] : []),
];

@ApiTags('inbox')
@ApiBearerAuth()
@Controller('inbox')
export class InboxController {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(DeliveryStore) private readonly deliveries: DeliveryStore,
  ) {}

  /** The caller's own in-app messages, newest first. Nobody sees another recipient's inbox, admins included. */
  @Get()
  @Roles('district_admin', 'program_manager', 'school_leader', 'teacher', 'vendor', 'finance')
  async list(@Query() q: OffsetPageQueryDto, @CurrentPrincipal() principal: Principal) {
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const rows = await inTenantTransaction(this.dataSource, principal.districtId, async (m) => {
      const found = await this.deliveries.list(
        m,
        { channel: 'inbox', recipientIds: principalRecipientIds(principal), status: 'sent' },
        limit,
        offset,
      );
      if (found.length)
        await AuditLog.record(m, {
          actor: auditActor(principal),
          action: 'read',
          resourceType: 'notification_delivery',
          resourceIds: found.map((d) => d.deliveryId),
          purpose: 'GET /v1/inbox: own messages',
        });
      return found;
    });
    return {
      items: rows.map((d) => ({
        id: d.deliveryId,
        subject: d.subject,
        text: d.body,
        language: d.language,
        sentAt: d.sentAt,
        notificationIds: d.notificationIds,
      })),
      nextOffset: rows.length === limit ? offset + limit : null,
    };
  }
}

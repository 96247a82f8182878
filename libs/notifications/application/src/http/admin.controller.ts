import {
  Body,
  ConflictException,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Put,
  Query,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { Channel, CHANNELS, settingsProblems, SettingsPatch } from '@tutoring/notifications/domain';
import { isKnownTimeZone } from '@tutoring/shared/time';
import { DeliveryStore, DirectoryStore, ReadModelStore } from '@tutoring/notifications/infrastructure';
import { AuditLog, auditActor } from '@tutoring/shared/audit';
import { CurrentPrincipal, Principal, Roles } from '@tutoring/shared/auth';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { DATA_SOURCE } from '@tutoring/shared/runtime';
import { Dispatcher } from '../dispatch/dispatcher.service';
import { RebuildInProgress, RebuildService } from '../rebuild/rebuild.service';
import { SweepService } from '../sweep/sweep.service';
import { CLOCK, Clock } from '../tokens';
import {
  DeliveriesQueryDto,
  PreferencesDto,
  RecipientChannelDto,
  RoleDto,
  RoleParamsDto,
  SettingsDto,
  SweepDto,
} from './dto';
import { principalRecipientIds } from './inbox.controller';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const parseChannel = (value: string): Channel => {
  if (!(CHANNELS as readonly string[]).includes(value)) throw new NotFoundException(`unknown channel ${value}`);
  return value as Channel;
};

/** District administration of notifications: settings, recipient directory, preferences, the delivery queue. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller()
export class NotificationsAdminController {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(DirectoryStore) private readonly directory: DirectoryStore,
    @Inject(DeliveryStore) private readonly deliveries: DeliveryStore,
    @Inject(ReadModelStore) private readonly readModels: ReadModelStore,
    @Inject(SweepService) private readonly sweeps: SweepService,
    @Inject(Dispatcher) private readonly dispatcher: Dispatcher,
    @Inject(RebuildService) private readonly rebuilds: RebuildService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private tx<T>(p: Principal, work: Parameters<typeof inTenantTransaction<T>>[2]): Promise<T> {
    return inTenantTransaction(this.dataSource, p.districtId, async (m) => {
      await this.readModels.registerTenant(m, p.districtId);
      return work(m);
    });
  }

  /** Dead letters and the rest of the queue. Addresses are shown to district admins only, for fixing them. */
  @Get('deliveries')
  @Roles('district_admin')
  async listDeliveries(@Query() q: DeliveriesQueryDto, @CurrentPrincipal() p: Principal) {
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const items = await this.tx(p, async (m) => {
      const rows = await this.deliveries.list(m, { status: q.status }, limit, offset);
      // Message bodies hold tutor notes about students: reading them is on record.
      if (rows.length)
        await AuditLog.record(m, {
          actor: auditActor(p),
          action: 'read',
          resourceType: 'notification_delivery',
          resourceIds: rows.map((d) => d.deliveryId),
          purpose: `GET /v1/deliveries: queue review${q.status ? ` (${q.status})` : ''}`,
        });
      return rows;
    });
    return { items, nextOffset: items.length === limit ? offset + limit : null };
  }

  @Post('deliveries/:id/retry')
  @HttpCode(202)
  @Roles('district_admin')
  async retry(@Param('id') id: string, @CurrentPrincipal() p: Principal) {
    if (!UUID.test(id)) throw new NotFoundException('no dead delivery with this id');
    const ok = await this.tx(p, async (m) => {
      const requeued = await this.deliveries.requeue(m, id, this.clock());
      if (requeued)
        await AuditLog.record(m, {
          actor: auditActor(p),
          action: 'update',
          resourceType: 'notification_delivery',
          resourceIds: [id],
          purpose: 'POST /v1/deliveries/:id/retry: dead letter requeued',
        });
      return requeued;
    });
    if (!ok) throw new NotFoundException('no dead delivery with this id');
    return { deliveryId: id, status: 'pending' };
  }

  @Get('notifications/stats')
  @Roles('district_admin')
  stats(@CurrentPrincipal() p: Principal) {
    return this.tx(p, (m) => this.deliveries.counts(m));
  }

  @Get('settings')
  @Roles('district_admin', 'program_manager')
  async getSettings(@CurrentPrincipal() p: Principal) {
    return this.tx(p, async (m) => ({
      stored: await this.directory.storedSettings(m, p.districtId),
      effective: await this.directory.settings(m, p.districtId),
    }));
  }

  @Put('settings')
  @Roles('district_admin')
  async putSettings(@Body() body: SettingsDto, @CurrentPrincipal() p: Principal) {
    const patch = body as SettingsPatch;
    const problems = settingsProblems(patch);
    if (problems.length) throw new UnprocessableEntityException({ code: 'invalid_settings', problems });
    return this.tx(p, async (m) => {
      await this.directory.saveSettings(m, p.districtId, patch, p.sub, this.clock());
      await AuditLog.record(m, {
        actor: auditActor(p),
        action: 'update',
        resourceType: 'notification_settings',
        resourceIds: [p.districtId],
        purpose: 'PUT /v1/settings',
      });
      return { effective: await this.directory.settings(m, p.districtId) };
    });
  }

  /** Where a recipient is reached on one channel. The address is stored here only, never sent to Kafka or logs. */
  @Put('recipients/:recipientId/channels/:channel')
  @Roles('district_admin')
  async putChannel(
    @Param('recipientId') recipientId: string,
    @Param('channel') channelParam: string,
    @Body() body: RecipientChannelDto,
    @CurrentPrincipal() p: Principal,
  ) {
    const channel = parseChannel(channelParam);
    if (body.timeZone && !isKnownTimeZone(body.timeZone))
      throw new UnprocessableEntityException({ code: 'invalid_time_zone' });
    await this.tx(p, async (m) => {
      const existing = (await this.directory.recipient(m, recipientId)).find((e) => e.channel === channel);
      await this.directory.upsertRecipient(
        m,
        p.districtId,
        {
          recipientId,
          channel,
          address: body.address,
          language: body.language ?? null,
          timeZone: body.timeZone ?? null,
          optedOutRules: existing?.optedOutRules ?? [],
        },
        this.clock(),
      );
      await AuditLog.record(m, {
        actor: auditActor(p),
        action: 'update',
        resourceType: 'notification_recipient',
        resourceIds: [recipientId],
        purpose: `PUT /v1/recipients/:id/channels/${channel}`,
      });
    });
    return { recipientId, channel };
  }

  @Put('recipients/:recipientId/roles')
  @Roles('district_admin')
  async putRole(@Param('recipientId') recipientId: string, @Body() body: RoleDto, @CurrentPrincipal() p: Principal) {
    await this.tx(p, async (m) => {
      await this.directory.assignRole(m, p.districtId, body.role, body.scopeKey, recipientId);
      await AuditLog.record(m, {
        actor: auditActor(p),
        action: 'update',
        resourceType: 'notification_recipient',
        resourceIds: [recipientId],
        purpose: `PUT /v1/recipients/:id/roles: ${body.role}`,
      });
    });
    return { recipientId, ...body };
  }

  @Delete('recipients/:recipientId/roles/:role/:scopeKey')
  @HttpCode(204)
  @Roles('district_admin')
  async deleteRole(
    @Param('recipientId') recipientId: string,
    @Param() params: RoleParamsDto,
    @CurrentPrincipal() p: Principal,
  ) {
    const body = { role: params.role, scopeKey: params.scopeKey };
    await this.tx(p, async (m) => {
      await this.directory.removeRole(m, body.role, body.scopeKey, recipientId);
      await AuditLog.record(m, {
        actor: auditActor(p),
        action: 'delete',
        resourceType: 'notification_recipient',
        resourceIds: [recipientId],
        purpose: `DELETE /v1/recipients/:id/roles: ${body.role}`,
      });
    });
  }

  private mayManage(p: Principal, recipientId: string): void {
    if (p.roles.includes('district_admin') || principalRecipientIds(p).includes(recipientId)) return;
    throw new ForbiddenException('only the recipient or a district admin may see or change these preferences');
  }

  @Get('recipients/:recipientId/preferences')
  @Roles('district_admin', 'program_manager', 'school_leader', 'teacher', 'vendor', 'finance')
  async getPreferences(@Param('recipientId') recipientId: string, @CurrentPrincipal() p: Principal) {
    this.mayManage(p, recipientId);
    // An unknown recipient simply has no channels yet (nothing is sent to it).
    const entries = await this.tx(p, (m) => this.directory.recipient(m, recipientId));
    return {
      recipientId,
      channels: entries.map((e) => ({
        channel: e.channel,
        language: e.language,
        timeZone: e.timeZone,
        optedOutRules: e.optedOutRules,
      })),
    };
  }

  /** Opt-outs and language, by the recipient or an admin; every change is in the audit log (who, what, when). */
  @Put('recipients/:recipientId/preferences')
  @Roles('district_admin', 'program_manager', 'school_leader', 'teacher', 'vendor', 'finance')
  async putPreferences(
    @Param('recipientId') recipientId: string,
    @Body() body: PreferencesDto,
    @CurrentPrincipal() p: Principal,
  ) {
    this.mayManage(p, recipientId);
    const changed = await this.tx(p, async (m) => {
      const n = await this.directory.setPreferences(m, recipientId, body, this.clock());
      if (n > 0) {
        const what = [
          body.optedOutRules ? `optedOut=${body.optedOutRules.join('|') || 'none'}` : '',
          body.language !== undefined ? `language=${body.language ?? 'default'}` : '',
        ]
          .filter(Boolean)
          .join(' ');
        await AuditLog.record(m, {
          actor: auditActor(p),
          action: 'update',
          resourceType: 'notification_preferences',
          resourceIds: [recipientId],
          purpose: `PUT /v1/recipients/:id/preferences ${what}`,
        });
      }
      return n;
    });
    if (changed === 0) throw new NotFoundException('unknown recipient');
    return this.getPreferences(recipientId, p);
  }

  /** Runs the clock-driven rules and batching for the caller's district now (the background loop does it too). */
  @Post('sweeps')
  @HttpCode(200)
  @Roles('district_admin')
  async sweep(@Body() body: SweepDto, @CurrentPrincipal() p: Principal) {
    await this.tx(p, async () => undefined);
    const now = body.asOf ? new Date(body.asOf) : this.clock();
    const result = await this.sweeps.sweep(p.districtId, now);
    const sent = body.dispatch === false ? 0 : await this.dispatcher.dispatch(p.districtId, this.clock);
    return { ...result, sent, asOf: now.toISOString() };
  }

  @Post('read-models/rebuild')
  @HttpCode(202)
  @Roles('district_admin')
  async rebuild(@CurrentPrincipal() p: Principal) {
    const rebuildId = await this.rebuilds.start(p.districtId).catch((error: unknown) => {
      if (error instanceof RebuildInProgress) throw new ConflictException(error.message);
      throw error;
    });
    await this.tx(p, (m) =>
      AuditLog.record(m, {
        actor: auditActor(p),
        action: 'update',
        resourceType: 'notification_read_models',
        resourceIds: [rebuildId],
        purpose: 'POST /v1/read-models/rebuild',
      }),
    );
    return { rebuildId };
  }

  @Get('read-models/rebuilds/:id')
  @Roles('district_admin')
  async rebuildStatus(@Param('id') id: string, @CurrentPrincipal() p: Principal) {
    if (!UUID.test(id)) throw new NotFoundException();
    const status = await this.rebuilds.status(p.districtId, id);
    if (!status) throw new NotFoundException();
    return status;
  }
}

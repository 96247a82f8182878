import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { CurrentPrincipal, Principal, Roles } from '@tutoring/shared/auth';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { SchedulingStore, type OccurrenceRow } from '@tutoring/scheduling/infrastructure';
import type { BellSchedule } from '@tutoring/scheduling/domain';
import { SchedulingService } from '../commands/scheduling.service';
import { SCHEDULING_DATA_SOURCE } from '../tokens';
import { actorOf, assertMayChangeSchool, mapErrors, readScope, visible } from './access';
import { occurrenceResourceIds, recordSchedulingAudit } from '../audit/scheduling-audit';
import { BellScheduleDto, CancelOccurrenceDto, OccurrenceQueryDto, PlanHorizonDto } from './scheduling.dto';

const view = (o: OccurrenceRow) => ({
  occurrenceId: o.occurrenceId,
  groupId: o.groupId,
  programId: o.programId,
  schoolId: o.schoolId,
  vendorId: o.vendorId,
  tutorId: o.tutorId,
  studentIds: o.studentIds,
  cancelledStudentIds: o.cancelledStudentIds,
  status: o.studentIds.every((s) => o.cancelledStudentIds.includes(s)) ? 'cancelled' : 'planned',
  date: o.date,
  startsAt: o.startsAt,
  endsAt: o.endsAt,
});

@ApiTags('occurrences')
@ApiBearerAuth()
@Controller()
export class OccurrencesController {
  constructor(
    @Inject(SchedulingService) private readonly scheduling: SchedulingService,
    @Inject(SchedulingStore) private readonly store: SchedulingStore,
    @Inject(SCHEDULING_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Put('schools/:schoolId/bell-schedule')
  @Roles('district_admin', 'program_manager', 'school_leader')
  async setBellSchedule(
    @Param('schoolId', new ParseUUIDPipe()) schoolId: string,
    @Body() body: BellScheduleDto,
    @CurrentPrincipal() p: Principal,
  ) {
    assertMayChangeSchool(p, schoolId);
    const rotation: BellSchedule['rotation'] =
      body.rotation.kind === 'weekly'
        ? { kind: 'weekly' }
        : { kind: 'rotating', dayTypes: body.rotation.dayTypes ?? [], anchorDate: body.rotation.anchorDate ?? '' };
    const schedule: BellSchedule = {
      schoolId,
      rotation,
      periods: Object.fromEntries(body.dayTypes.map((d) => [d.dayType, d.periods.map((x) => ({ ...x }))])),
      ...(body.earlyRelease ? { earlyRelease: body.earlyRelease.map((x) => ({ ...x })) } : {}),
    };
    return mapErrors(() =>
      this.scheduling.setBellSchedule(actorOf(p, 'PUT /v1/schools/:schoolId/bell-schedule'), schedule),
    );
  }

  @Get('schools/:schoolId/bell-schedule')
  @Roles('district_admin', 'program_manager', 'school_leader', 'vendor')
  async bellSchedule(@Param('schoolId', new ParseUUIDPipe()) schoolId: string, @CurrentPrincipal() p: Principal) {
    const scope = readScope(p);
    const schedule =
      scope.schoolIds && !scope.schoolIds.includes(schoolId)
        ? null
        : await this.scheduling.bellSchedule(p.districtId, schoolId);
    if (!schedule) throw new NotFoundException(`school ${schoolId} has no bell schedule`);
    return schedule;
  }

  /** Rolls the planning horizon forward for every active group (idempotent: occurrences already planned stay). */
  @Post('occurrences/planning')
  @HttpCode(201)
  @Roles('district_admin', 'program_manager')
  plan(@Body() body: PlanHorizonDto, @CurrentPrincipal() p: Principal) {
    return mapErrors(() =>
      this.scheduling.planHorizon(actorOf(p, 'POST /v1/occurrences/planning'), body.from ?? null, body.to ?? null),
    );
  }

  @Get('occurrences')
  @Roles('district_admin', 'program_manager', 'school_leader', 'vendor')
  async list(@Query() q: OccurrenceQueryDto, @CurrentPrincipal() p: Principal) {
    const scope = readScope(p);
    const limit = q.limit ?? 100;
    const offset = q.offset ?? 0;
    const rows = await inTenantTransaction(this.dataSource, p.districtId, async (m) => {
      const page = await this.store.listOccurrences(
        m,
        { ...scope, groupId: q.groupId, from: q.from, to: q.to },
        limit + 1,
        offset,
      );
      // Occurrences name their students: the read is on record with the page it returned.
      const shown = page.slice(0, limit);
      if (shown.length)
        await recordSchedulingAudit(
          m,
          actorOf(p, 'GET /v1/occurrences'),
          'read',
          'occurrence',
          occurrenceResourceIds(shown),
          `planned occurrences${q.groupId ? ` of group ${q.groupId}` : ''}${q.from ? ` from ${q.from}` : ''}${q.to ? ` to ${q.to}` : ''}`,
        );
      return page;
    });
    return { items: rows.slice(0, limit).map(view), nextOffset: rows.length > limit ? offset + limit : null };
  }

  /** Cancels an occurrence (or some of its students) ahead, with reason and who is accountable. */
  @Post('occurrences/:occurrenceId/cancellations')
  @HttpCode(201)
  @Roles('district_admin', 'program_manager', 'school_leader')
  async cancel(
    @Param('occurrenceId', new ParseUUIDPipe()) occurrenceId: string,
    @Body() body: CancelOccurrenceDto,
    @CurrentPrincipal() p: Principal,
  ) {
    const o = await inTenantTransaction(this.dataSource, p.districtId, (m) => this.store.occurrence(m, occurrenceId));
    if (!o || !visible(readScope(p), o)) throw new NotFoundException(`occurrence ${occurrenceId} not found`);
    assertMayChangeSchool(p, o.schoolId);
    const updated = await mapErrors(() =>
      this.scheduling.cancelOccurrence(actorOf(p, 'POST /v1/occurrences/:occurrenceId/cancellations'), occurrenceId, {
        reason: body.reason,
        accountable: body.accountable ?? null,
        studentIds: body.studentIds ?? null,
        note: body.note ?? null,
      }),
    );
    return view(updated);
  }
}

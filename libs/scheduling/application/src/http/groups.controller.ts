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
import { CurrentPrincipal, Principal, Roles } from '@tutoring/shared/auth';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { SchedulingStore } from '@tutoring/scheduling/infrastructure';
import type { ScheduledGroup } from '@tutoring/scheduling/domain';
import { SchedulingService } from '../commands/scheduling.service';
import { SCHEDULING_DATA_SOURCE } from '../tokens';
import type { DataSource } from 'typeorm';
import { actorOf, assertMayChangeSchool, mapErrors, readScope, visible } from './access';
import { groupResourceIds, recordSchedulingAudit } from '../audit/scheduling-audit';
import {
  ConsistencyQueryDto,
  FormGroupDto,
  GroupQueryDto,
  MakeUpDto,
  MembersDto,
  ReasonDto,
  ReassignTutorDto,
  SlotsDto,
} from './scheduling.dto';

const view = (g: ScheduledGroup) => ({
  groupId: g.groupId,
  programId: g.programId,
  schoolId: g.schoolId,
  vendorId: g.vendorId,
  tutorId: g.tutorId,
  studentIds: g.studentIds,
  slots: g.slots,
  version: g.version,
  status: g.status,
  reassignments: g.reassignments,
});

const slotsWithIds = (slots: SlotsDto['slots']) =>
  slots.map((s, i) => ({
    ...s,
    dayTypes: s.dayTypes ?? null,
    slotId: `s${i + 1}-${[...s.weekdays].sort().join('')}-${s.period}${s.dayTypes ? `-${s.dayTypes.join('')}` : ''}`,
  }));

@ApiTags('groups')
@ApiBearerAuth()
@Controller('groups')
export class GroupsController {
  constructor(
    @Inject(SchedulingService) private readonly scheduling: SchedulingService,
    @Inject(SchedulingStore) private readonly store: SchedulingStore,
    @Inject(SCHEDULING_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  private async loadVisible(p: Principal, groupId: string): Promise<ScheduledGroup> {
    const g = await inTenantTransaction(this.dataSource, p.districtId, (m) => this.store.group(m, groupId));
    if (!g || !visible(readScope(p), g)) throw new NotFoundException(`group ${groupId} not found`);
    return g;
  }

  /** Forms a group; refused with 409 and every conflict named when a hard rule would break. */
  @Post()
  @HttpCode(201)
  @Roles('district_admin', 'program_manager', 'school_leader')
  async form(@Body() body: FormGroupDto, @CurrentPrincipal() p: Principal) {
    assertMayChangeSchool(p, body.schoolId);
    return view(
      await mapErrors(() =>
        this.scheduling.formGroup(actorOf(p, 'POST /v1/groups'), { ...body, slots: slotsWithIds(body.slots) }),
      ),
    );
  }

  @Get()
  @Roles('district_admin', 'program_manager', 'school_leader', 'vendor')
  async list(@Query() q: GroupQueryDto, @CurrentPrincipal() p: Principal) {
    const scope = readScope(p);
    const limit = q.limit ?? 50;
    const rows = await inTenantTransaction(this.dataSource, p.districtId, async (m) => {
      const page = await this.store.listGroups(m, { ...scope, programId: q.programId }, limit + 1, q.cursor ?? null);
      const shown = page.slice(0, limit);
      if (shown.length)
        await recordSchedulingAudit(
          m,
          actorOf(p, 'GET /v1/groups'),
          'read',
          'group',
          groupResourceIds(shown),
          'group membership list',
        );
      return page;
    });
    const items = rows.slice(0, limit).map(view);
    return { items, nextCursor: rows.length > limit ? (items[items.length - 1]?.groupId ?? null) : null };
  }

  /** Tutor-consistency input: per group, how often its tutor changed and why. */
  @Get('tutor-consistency')
  @Roles('district_admin', 'program_manager', 'vendor')
  async consistency(@Query() q: ConsistencyQueryDto, @CurrentPrincipal() p: Principal) {
    const scope = readScope(p);
    const rows = await inTenantTransaction(this.dataSource, p.districtId, (m) =>
      this.store.tutorConsistency(m, q.programId ?? null, scope.vendorId ?? null),
    );
    const changed = rows.filter((r) => r.reassignments > 0).length;
    return {
      groups: rows.length,
      groupsWithTutorChange: changed,
      consistentShare: rows.length ? (rows.length - changed) / rows.length : 1,
      items: rows,
    };
  }

  /** Active groups breaking a rule now (e.g. a tutor's clearance lapsed since formation), each conflict named. */
  @Get('conflicts')
  @Roles('district_admin', 'program_manager', 'school_leader', 'vendor')
  conflicts(@Query() q: GroupQueryDto, @CurrentPrincipal() p: Principal) {
    return this.scheduling.groupsInConflict(
      actorOf(p, 'GET /v1/groups/conflicts'),
      readScope(p),
      q.limit ?? 50,
      q.cursor ?? null,
    );
  }

  @Get(':groupId')
  @Roles('district_admin', 'program_manager', 'school_leader', 'vendor')
  async get(@Param('groupId', new ParseUUIDPipe()) groupId: string, @CurrentPrincipal() p: Principal) {
    return view(
      await inTenantTransaction(this.dataSource, p.districtId, async (m) => {
        const g = await this.store.group(m, groupId);
        if (!g || !visible(readScope(p), g)) throw new NotFoundException(`group ${groupId} not found`);
        await recordSchedulingAudit(
          m,
          actorOf(p, 'GET /v1/groups/:groupId'),
          'read',
          'group',
          groupResourceIds([g]),
          'group membership',
        );
        return g;
      }),
    );
  }

  @Put(':groupId/members')
  @Roles('district_admin', 'program_manager', 'school_leader')
  async members(
    @Param('groupId', new ParseUUIDPipe()) groupId: string,
    @Body() body: MembersDto,
    @CurrentPrincipal() p: Principal,
  ) {
    assertMayChangeSchool(p, (await this.loadVisible(p, groupId)).schoolId);
    return view(
      await mapErrors(() =>
        this.scheduling.changeMembers(actorOf(p, 'PUT /v1/groups/:groupId/members'), groupId, body.studentIds),
      ),
    );
  }

  @Put(':groupId/slots')
  @Roles('district_admin', 'program_manager', 'school_leader')
  async slots(
    @Param('groupId', new ParseUUIDPipe()) groupId: string,
    @Body() body: SlotsDto,
    @CurrentPrincipal() p: Principal,
  ) {
    assertMayChangeSchool(p, (await this.loadVisible(p, groupId)).schoolId);
    return view(
      await mapErrors(() =>
        this.scheduling.changeSlots(actorOf(p, 'PUT /v1/groups/:groupId/slots'), groupId, slotsWithIds(body.slots)),
      ),
    );
  }

  /** An explicit tutor change with its reason (counts against the tutor-consistency indicator). */
  @Post(':groupId/tutor-reassignments')
  @HttpCode(201)
  @Roles('district_admin', 'program_manager')
  async reassign(
    @Param('groupId', new ParseUUIDPipe()) groupId: string,
    @Body() body: ReassignTutorDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return view(
      await mapErrors(() =>
        this.scheduling.reassignTutor(
          actorOf(p, 'POST /v1/groups/:groupId/tutor-reassignments'),
          groupId,
          body.tutorId,
          body.reason,
        ),
      ),
    );
  }

  @Post(':groupId/dissolution')
  @HttpCode(201)
  @Roles('district_admin', 'program_manager')
  async dissolve(
    @Param('groupId', new ParseUUIDPipe()) groupId: string,
    @Body() body: ReasonDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return view(
      await mapErrors(() =>
        this.scheduling.dissolve(actorOf(p, 'POST /v1/groups/:groupId/dissolution'), groupId, body.reason),
      ),
    );
  }

  /**
   * A one-off make-up session for the group: 409 naming the conflict on a non-instructional day (holiday or closure),
   * in a period the school does not run that day, in the past, or when it double-books the tutor or a student.
   */
  @Post(':groupId/make-up-sessions')
  @HttpCode(201)
  @Roles('district_admin', 'program_manager', 'school_leader')
  async makeUp(
    @Param('groupId', new ParseUUIDPipe()) groupId: string,
    @Body() body: MakeUpDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return mapErrors(() =>
      this.scheduling.planMakeUp(actorOf(p, 'POST /v1/groups/:groupId/make-up-sessions'), groupId, body, (schoolId) =>
        assertMayChangeSchool(p, schoolId),
      ),
    );
  }
}

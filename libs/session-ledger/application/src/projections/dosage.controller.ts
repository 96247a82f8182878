import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import type { DataSource, EntityManager } from 'typeorm';
import { isoWeekOf, isoWeekRange, previousIsoWeek } from '@tutoring/session-ledger/domain';
import { AuditLog } from '@tutoring/shared/audit';
import { CurrentPrincipal, Principal, Roles } from '@tutoring/shared/auth';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { DATA_SOURCE } from '@tutoring/shared/runtime';
import { PageQueryDto, pageSize } from '@tutoring/shared/service-kit';
import { DosageQueries } from '@tutoring/session-ledger/infrastructure';

export class StudentDosageQueryDto {
  @ApiPropertyOptional({
    description: 'local date the series and on-track status are computed at (default: today, UTC)',
    example: '2026-11-23',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  asOf?: string;
}

export class StudentScheduleQueryDto {
  @ApiPropertyOptional({
    description: 'first ISO week (district zone); default: 7 weeks before toWeek',
    example: '2026-W40',
  })
  @IsOptional()
  @Matches(/^\d{4}-W\d{2}$/)
  fromWeek?: string;

  @ApiPropertyOptional({ description: 'last ISO week (district zone); default: the current week', example: '2026-W47' })
  @IsOptional()
  @Matches(/^\d{4}-W\d{2}$/)
  toWeek?: string;
}

/** Longest range one call may ask for (a school year has ≈ 40 instructional weeks). */
const MAX_SCHEDULE_WEEKS = 53;

export class FidelityQueryDto {
  @ApiPropertyOptional({ description: 'ISO week in the district zone', example: '2026-W48' })
  @Matches(/^\d{4}-W\d{2}$/)
  isoWeek!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  programId?: string;
}

export class PaymentPeriodsQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  vendorId?: string;
}

const DISTRICT_WIDE = ['district_admin', 'program_manager'] as const;
/** A vendor token without a vendor id sees nothing (this id never matches a row). */
const NO_VENDOR = '00000000-0000-0000-0000-000000000000';
const isDistrictWide = (p: Principal, extra: readonly string[] = []): boolean =>
  p.roles.some((r) => (DISTRICT_WIDE as readonly string[]).includes(r) || extra.includes(r));

/**
 * Dosage and payment read models. Scoped by the caller's district (tenant transaction); a vendor reads only the
 * students it serves and its own payment periods; a school leader only students and summaries of their schools.
 */
@ApiTags('dosage')
@ApiBearerAuth()
@Controller()
export class DosageController {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(DosageQueries) private readonly queries: DosageQueries,
  ) {}

  @Get('dosage/students/:studentId')
  @Roles('district_admin', 'program_manager', 'school_leader', 'vendor')
  @ApiOperation({ summary: "A student's weekly dosage series, cumulative minutes and on-track status" })
  async student(
    @Param('studentId', new ParseUUIDPipe()) studentId: string,
    @Query() q: StudentDosageQueryDto,
    @CurrentPrincipal() p: Principal,
  ) {
    const asOf = q.asOf ?? new Date().toISOString().slice(0, 10);
    return inTenantTransaction(this.db, p.districtId, async (m) => {
      await this.assertStudentInScope(m, p, studentId);
      const series = await this.queries.studentSeries(m, p.districtId, studentId, asOf);
      await AuditLog.record(m, {
        actor: { sub: p.sub, roles: p.roles },
        action: 'read',
        resourceType: 'student_dosage',
        resourceIds: [studentId],
        purpose: 'GET /v1/dosage/students/:studentId',
      });
      return series;
    });
  }

  @Get('dosage/students/:studentId/schedule')
  @Roles('district_admin', 'program_manager', 'school_leader', 'vendor')
  @ApiOperation({
    summary:
      "A student's scheduled versus delivered sessions per ISO week, each missed occurrence attributed (cancelled by district, cancelled by vendor, student absent, not reported)",
  })
  async schedule(
    @Param('studentId', new ParseUUIDPipe()) studentId: string,
    @Query() q: StudentScheduleQueryDto,
    @CurrentPrincipal() p: Principal,
  ) {
    const now = new Date();
    const toWeek = q.toWeek ?? isoWeekOf(now.toISOString().slice(0, 10));
    let fromWeek = q.fromWeek;
    if (!fromWeek) {
      fromWeek = toWeek;
      for (let i = 0; i < 7; i++) fromWeek = previousIsoWeek(fromWeek);
    }
    const from = isoWeekRange(fromWeek);
    const to = isoWeekRange(toWeek);
    if (!from) throw new BadRequestException('fromWeek: not an ISO week');
    if (!to) throw new BadRequestException('toWeek: not an ISO week');
    const days = (Date.parse(to.to) - Date.parse(from.from)) / 86_400_000;
    if (days < 0) throw new BadRequestException('fromWeek: must not be after toWeek');
    if (days >= MAX_SCHEDULE_WEEKS * 7) throw new BadRequestException(`toWeek: at most ${MAX_SCHEDULE_WEEKS} weeks`);
    return inTenantTransaction(this.db, p.districtId, async (m) => {
      await this.assertStudentInScope(m, p, studentId);
      // A vendor sees its own occurrences and sessions only, even for a student another vendor also serves.
      const vendorId = isDistrictWide(p) || !p.roles.includes('vendor') ? null : (p.vendorId ?? NO_VENDOR);
      const view = await this.queries.studentSchedule(m, p.districtId, studentId, { fromWeek, toWeek, vendorId, now });
      await AuditLog.record(m, {
        actor: { sub: p.sub, roles: p.roles },
        action: 'read',
        resourceType: 'student_schedule',
        resourceIds: [studentId],
        purpose: 'GET /v1/dosage/students/:studentId/schedule',
      });
      return { studentId, fromWeek, toWeek, asOf: now.toISOString(), ...view };
    });
  }

  /** Object-level scope of a student read: district staff any; a vendor the students it serves; a leader their schools. */
  private async assertStudentInScope(m: EntityManager, p: Principal, studentId: string): Promise<void> {
    if (isDistrictWide(p)) return;
    const allowed =
      (p.roles.includes('vendor') &&
        p.vendorId !== undefined &&
        (await this.queries.vendorServes(m, p.vendorId, studentId))) ||
      (p.roles.includes('school_leader') &&
        p.schoolIds.includes((await this.queries.studentSchool(m, studentId)) ?? ''));
    // Same answer as for an unknown student: existence is not disclosed across scopes.
    if (!allowed) throw new NotFoundException('no such student in your scope');
  }

  @Get('dosage/fidelity')
  @Roles('district_admin', 'program_manager', 'school_leader')
  @ApiOperation({
    summary:
      'Fidelity of a school and/or program for one ISO week: share at target dose, group-size compliance, tutor consistency',
  })
  async fidelity(@Query() q: FidelityQueryDto, @CurrentPrincipal() p: Principal) {
    if (!isDistrictWide(p) && (!q.schoolId || !p.schoolIds.includes(q.schoolId))) {
      throw new ForbiddenException('school leaders read the summaries of their own schools (schoolId required)');
    }
    return inTenantTransaction(this.db, p.districtId, (m) => this.queries.fidelity(m, p.districtId, q));
  }

  @Get('payment/periods')
  @Roles('district_admin', 'program_manager', 'finance', 'vendor')
  @ApiOperation({
    summary: 'Billable student-minutes and student-sessions per vendor and month, and the exceptions held back',
  })
  async payment(@Query() q: PaymentPeriodsQueryDto, @CurrentPrincipal() p: Principal) {
    const vendorId = isDistrictWide(p, ['finance'])
      ? q.vendorId
      : (p.vendorId ?? '00000000-0000-0000-0000-000000000000');
    const limit = pageSize(q.limit);
    const items = await inTenantTransaction(this.db, p.districtId, (m) =>
      this.queries.paymentPeriods(m, p.districtId, { vendorId, after: q.cursor, limit }),
    );
    const last = items[items.length - 1];
    return { items, nextCursor: items.length === limit && last ? `${last.vendorId}|${last.period}` : null };
  }
}

import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  Inject,
  NotFoundException,
  Param,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import type { DataSource, EntityManager } from 'typeorm';
import { isoWeekRange } from '@tutoring/session-ledger/domain';
import { decodeCursor, LedgerFollowers, LedgerQueries } from '@tutoring/session-ledger/infrastructure';
import { AuditLog } from '@tutoring/shared/audit';
import { CurrentPrincipal, Principal, Roles } from '@tutoring/shared/auth';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { DATA_SOURCE, SERVICE_SCHEMA } from '@tutoring/shared/runtime';
import { MAX_PAGE_SIZE, PageQueryDto, pageSize } from '@tutoring/shared/service-kit';

export class PositionPageDto {
  @ApiPropertyOptional({ description: 'return entries after this position', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;
}

export class ExceptionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'only this vendor (a vendor sees only its own anyway)' })
  @IsOptional()
  @IsUUID()
  vendorId?: string;

  @ApiPropertyOptional({ description: 'only students of this school' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional({ description: 'only students enrolled in this program with the session vendor' })
  @IsOptional()
  @IsUUID()
  programId?: string;

  @ApiPropertyOptional({ description: 'only this student (pseudonymous id)' })
  @IsOptional()
  @IsUUID()
  studentId?: string;

  @ApiPropertyOptional({ description: 'ISO week in the district zone, e.g. 2026-W45', example: '2026-W45' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-W\d{2}$/)
  week?: string;
}

export class SessionParamsDto {
  @IsUUID()
  vendorId!: string;

  @IsString()
  @MaxLength(128)
  @Matches(/^[A-Za-z0-9._:-]+$/)
  sessionId!: string;
}

const DISTRICT_ROLES = ['district_admin', 'program_manager', 'finance'] as const;
/** A vendor token without a vendor id sees nothing (this id never matches a row). */
const NO_VENDOR = '00000000-0000-0000-0000-000000000000';

interface Scope {
  vendorId: string | null;
  schoolIds: readonly string[] | null;
}

/** Object-level authorization: district staff see the district, a vendor its own data, a school leader its schools. */
const scopeOf = (principal: Principal): Scope => {
  if (principal.roles.some((r) => (DISTRICT_ROLES as readonly string[]).includes(r)))
    return { vendorId: null, schoolIds: null };
  if (principal.roles.includes('vendor')) return { vendorId: principal.vendorId ?? NO_VENDOR, schoolIds: null };
  return { vendorId: null, schoolIds: principal.schoolIds };
};

/** Reads of student records are on record, in the same transaction as the read (DESIGN.md §6). */
const audit = async (
  m: EntityManager,
  principal: Principal,
  resourceType: string,
  ids: readonly (string | number)[],
  purpose: string,
) => {
  if (ids.length === 0) return;
  await AuditLog.record(m, {
    actor: { sub: principal.sub, roles: principal.roles },
    action: 'read',
    resourceType,
    resourceIds: [...new Set(ids.map(String))].slice(0, 1000),
    purpose,
  });
};

/** Read side of ingest: what was recorded, rejected and flagged, and each session's history. Thin: SQL in LedgerQueries. */
@ApiTags('ledger')
@ApiBearerAuth()
@Controller()
export class LedgerController {
  private readonly queries: LedgerQueries;
  private readonly followers: LedgerFollowers;

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(SERVICE_SCHEMA) schema: string,
  ) {
    this.queries = new LedgerQueries(schema);
    this.followers = new LedgerFollowers(schema);
  }

  @Get('ledger/followers')
  @Roles('district_admin', 'program_manager')
  @ApiOperation({
    summary:
      "How far the district's read models (dosage, payment, exceptions) and its ledger events (vendor `accepted` " +
      'feedback, session-recorded) are behind the ledger: committed entries not consumed yet, 0 when caught up',
  })
  async followerStatus(@CurrentPrincipal() principal: Principal) {
    const followers = await inTenantTransaction(this.db, principal.districtId, (m) =>
      this.followers.status(m, principal.districtId),
    );
    return { districtId: principal.districtId, followers };
  }

  @Get('ledger/entries')
  @Roles('district_admin', 'program_manager', 'finance', 'vendor')
  @ApiOperation({ summary: 'Ledger entries in position order (a vendor sees only its own)' })
  entries(@Query() page: PositionPageDto, @CurrentPrincipal() principal: Principal) {
    const scope = scopeOf(principal);
    return inTenantTransaction(this.db, principal.districtId, async (m) => {
      const result = await this.queries.entries(m, scope.vendorId, page.after ?? 0, page.limit ?? 100);
      await audit(
        m,
        principal,
        'ledger_entry',
        result.items.map((i) => i.position),
        'GET /v1/ledger/entries',
      );
      return result;
    });
  }

  @Get('ingest/rejections')
  @Roles('district_admin', 'program_manager', 'vendor')
  @ApiOperation({ summary: 'Rejected session events with their field errors (a vendor sees only its own)' })
  rejections(@Query() page: PositionPageDto, @CurrentPrincipal() principal: Principal) {
    const scope = scopeOf(principal);
    return inTenantTransaction(this.db, principal.districtId, (m) =>
      this.queries.rejections(m, scope.vendorId, page.after ?? 0, page.limit ?? 100),
    );
  }

  @Get('sessions/:vendorId/:sessionId/history')
  @Roles('district_admin', 'program_manager', 'finance', 'vendor')
  @ApiOperation({
    summary: 'Every version of a session: when, from which message (topic/partition/offset or http/csv), why, verdicts',
  })
  async history(
    @Param() params: SessionParamsDto,
    @Query() page: PageQueryDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    const scope = scopeOf(principal);
    // Another vendor's session answers exactly like a session that does not exist.
    if (scope.vendorId !== null && scope.vendorId !== params.vendorId) throw new NotFoundException('no such session');
    const after = Number(decodeCursor(page.cursor)?.[0] ?? 0);
    if (!Number.isInteger(after) || after < 0) throw new BadRequestException('cursor is not valid');
    const result = await inTenantTransaction(this.db, principal.districtId, async (m) => {
      const found = await this.queries.history(m, params.vendorId, params.sessionId, after, pageSize(page.limit));
      const ids = found.items.length ? [`${params.vendorId}/${params.sessionId}`] : [];
      await audit(m, principal, 'session', ids, 'GET /v1/sessions/:vendorId/:sessionId/history');
      return found;
    });
    if (result.items.length === 0 && after === 0) throw new NotFoundException('no such session');
    return result;
  }

  @Get('exceptions')
  @Roles('district_admin', 'program_manager', 'finance', 'vendor', 'school_leader')
  @ApiOperation({
    summary: 'Current line exceptions (not billable until corrected), filtered by vendor, school, student, ISO week',
  })
  exceptions(@Query() q: ExceptionsQueryDto, @CurrentPrincipal() principal: Principal) {
    const scope = scopeOf(principal);
    if (scope.vendorId !== null && q.vendorId !== undefined && q.vendorId !== scope.vendorId) {
      throw new ForbiddenException('a vendor sees only its own exceptions');
    }
    if (scope.schoolIds !== null && q.schoolId !== undefined && !scope.schoolIds.includes(q.schoolId)) {
      throw new ForbiddenException('not one of your schools');
    }
    const week = q.week ? isoWeekRange(q.week) : null;
    if (q.week && !week) throw new BadRequestException('week is not an ISO week of that year');
    const cursor = decodeCursor(q.cursor);
    const after: [number, string] | null = cursor ? [Number(cursor[0]), cursor[1] ?? ''] : null;
    if (after && !Number.isInteger(after[0])) throw new BadRequestException('cursor is not valid');
    const schoolIds = q.schoolId ? [q.schoolId] : scope.schoolIds;
    return inTenantTransaction(this.db, principal.districtId, async (m) => {
      const result = await this.queries.exceptions(
        m,
        {
          vendorId: scope.vendorId ?? q.vendorId ?? null,
          schoolIds,
          studentId: q.studentId ?? null,
          programId: q.programId ?? null,
          from: week?.from ?? null,
          to: week?.to ?? null,
        },
        after,
        pageSize(q.limit),
      );
      await audit(
        m,
        principal,
        'student',
        result.items.map((i) => i.studentId),
        'GET /v1/exceptions',
      );
      return result;
    });
  }
}

import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { DataSource } from 'typeorm';
import { CurrentPrincipal, Roles, type Principal } from '@tutoring/shared/auth';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { DATA_SOURCE } from '@tutoring/shared/runtime';
import { AUDIT_ACTIONS, type AuditAction } from './audit-log.migration';
import { AuditLog, type AuditPage } from './audit-log';
import { auditActor } from './audit-actor';

export const AUDIT_PAGE_MAX = 200;

export class AuditQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: AUDIT_PAGE_MAX, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(AUDIT_PAGE_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,18}$/)
  cursor?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(256)
  actorSub?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS)
  action?: AuditAction;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_.-]{0,63}$/)
  resourceType?: string;

  @ApiPropertyOptional({ description: 'entries naming this (pseudonymous) id' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  resourceId?: string;

  @ApiPropertyOptional({ description: 'RFC 3339, inclusive' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'RFC 3339, exclusive' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

/** The service's audit log, for the district's administrators only; always confined to their district by RLS. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  @Get()
  @Roles('district_admin')
  list(@Query() query: AuditQueryDto, @CurrentPrincipal() principal: Principal): Promise<AuditPage> {
    return inTenantTransaction(this.dataSource, principal.districtId, async (m) => {
      const page = await AuditLog.query(m, { ...query, limit: query.limit ?? 50 });
      // Reading the audit log is itself on record (after the query, so a page never shows its own read).
      await AuditLog.record(m, {
        actor: auditActor(principal),
        action: 'read',
        resourceType: 'audit_log',
        resourceIds: [],
        purpose: 'GET /v1/audit',
      });
      return page;
    });
  }
}

import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { DataSource } from 'typeorm';
import { CurrentPrincipal, Principal, Roles } from '@tutoring/shared/auth';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { DATA_SOURCE, SERVICE_SCHEMA } from '@tutoring/shared/runtime';

export class PositionPageDto {
  @ApiPropertyOptional({ description: 'return entries after this position', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

const DISTRICT_ROLES = ['district_admin', 'program_manager', 'finance'] as const;

/** Read side of ingest: what was recorded and what was rejected. A vendor sees only its own. */
@ApiTags('ledger')
@ApiBearerAuth()
@Controller()
export class LedgerController {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  private scope(principal: Principal): { vendorId: string | null } {
    const districtWide = principal.roles.some((r) => (DISTRICT_ROLES as readonly string[]).includes(r));
    return { vendorId: districtWide ? null : (principal.vendorId ?? '00000000-0000-0000-0000-000000000000') };
  }

  @Get('ledger/entries')
  @Roles('district_admin', 'program_manager', 'finance', 'vendor')
  async entries(@Query() page: PositionPageDto, @CurrentPrincipal() principal: Principal) {
    const limit = page.limit ?? 100;
    const rows = (await inTenantTransaction(this.db, principal.districtId, (m) =>
      m.query(
        `SELECT position, stream_id, stream_version, event_id, event_type, vendor_id, data, recorded_at
         FROM ${this.schema}.ledger_entries
        WHERE district_id = $1 AND position > $2 AND ($3::uuid IS NULL OR vendor_id = $3)
        ORDER BY position LIMIT $4`,
        [principal.districtId, page.after ?? 0, this.scope(principal).vendorId, limit],
      ),
    )) as { position: string; recorded_at: Date }[];
    const items = rows.map((r) => ({ ...r, position: Number(r.position) }));
    return { items, nextAfter: items.length === limit ? items[items.length - 1]?.position : null };
  }

  @Get('ingest/rejections')
  @Roles('district_admin', 'program_manager', 'vendor')
  async rejections(@Query() page: PositionPageDto, @CurrentPrincipal() principal: Principal) {
    const limit = page.limit ?? 100;
    const rows = (await inTenantTransaction(this.db, principal.districtId, (m) =>
      m.query(
        `SELECT id, vendor_id, channel, event_id, session_id, errors, received_at FROM ${this.schema}.ingest_rejections
        WHERE district_id = $1 AND id > $2 AND ($3::uuid IS NULL OR vendor_id = $3)
        ORDER BY id LIMIT $4`,
        [principal.districtId, page.after ?? 0, this.scope(principal).vendorId, limit],
      ),
    )) as { id: string }[];
    const items = rows.map((r) => ({ ...r, id: Number(r.id) }));
    return { items, nextAfter: items.length === limit ? items[items.length - 1]?.id : null };
  }
}

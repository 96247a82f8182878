import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** No list endpoint returns more than this many items per page (DESIGN.md §6: page size caps). */
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/** Query DTO for keyset-paginated lists; extend it to add filters. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

/** Largest offset an offset-paginated list accepts (deeper pages: narrow the filters). */
export const MAX_PAGE_OFFSET = 1_000_000;

/** Query DTO for offset-paginated lists (small, admin-facing lists); extend it to add filters. */
export class OffsetPageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_PAGE_OFFSET, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_PAGE_OFFSET)
  offset?: number;
}

/** The page size to use: the requested one, defaulted, clamped to [1, MAX_PAGE_SIZE]. */
export const pageSize = (requested: number | undefined, fallback = DEFAULT_PAGE_SIZE): number =>
  Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(requested ?? fallback)));

/**
 * Backstop for routes whose DTO forgot @Max: a `limit` (or `pageSize`) query parameter above the cap is refused with
 * 400 before the handler runs. Express middleware, installed by bootstrapService.
 */
export const pageSizeCapMiddleware =
  (max = MAX_PAGE_SIZE) =>
  (req: { query?: unknown }, res: { status(code: number): { json(body: unknown): void } }, next: () => void): void => {
    const query = (req.query ?? {}) as Record<string, unknown>;
    for (const name of ['limit', 'pageSize', 'page_size']) {
      const raw = query[name];
      const n = typeof raw === 'string' ? Number(raw) : Number.NaN;
      if (typeof raw === 'string' && Number.isFinite(n) && n > max) {
        res
          .status(400)
          .json({ statusCode: 400, message: [`${name} must not be greater than ${max}`], error: 'Bad Request' });
        return;
      }
    }
    next();
  };

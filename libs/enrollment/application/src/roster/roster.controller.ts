import {
  CallHandler,
  Controller,
  ExecutionContext,
  HttpCode,
  Inject,
  Injectable,
  NestInterceptor,
  PayloadTooLargeException,
  Post,
  Query,
  ServiceUnavailableException,
  UploadedFiles,
  UseInterceptors,
} from '@nestjs/common';
import { AnyFilesInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { catchError, type Observable, throwError } from 'rxjs';
import { decodeRosterFile, MAX_ROSTER_FILE_BYTES, tooLarge } from '@tutoring/enrollment/infrastructure';
import { CurrentPrincipal, Principal, Roles } from '@tutoring/shared/auth';
import { RosterImportHandler } from './roster-import.handler';

/** A whole upload: a 30k-student export is ≈ 20 MB; larger bodies are refused from their Content-Length. */
export const MAX_ROSTER_UPLOAD_BYTES = 128 * 1024 * 1024;
const MAX_FILES = 10;

interface UploadedFile {
  originalname: string;
  buffer: Buffer;
  size: number;
}

const booleanQuery = ({ value }: { value: unknown }) => value === 'true' || value === true;

export class RosterImportQueryDto {
  @ApiPropertyOptional({ description: 'apply the rows that pass every check even when others fail', default: false })
  @IsOptional()
  @Transform(booleanQuery)
  @IsBoolean()
  applyValidRows?: boolean;

  @ApiPropertyOptional({ description: 'check only, apply nothing', default: false })
  @IsOptional()
  @Transform(booleanQuery)
  @IsBoolean()
  dryRun?: boolean;
}

const sizeReport = (reason: string) => ({
  statusCode: 413,
  valid: false,
  applied: false,
  errors: [{ file: null, line: 0, column: null, reason }],
});

/**
 * Refuses an oversized upload before a byte of the body is read (Content-Length), and turns the file-size limit
 * of a streamed upload (no Content-Length) into the same report shape.
 */
@Injectable()
export class UploadSizeCap implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > MAX_ROSTER_UPLOAD_BYTES) {
      throw new PayloadTooLargeException(
        sizeReport(`upload is ${length} bytes, above the limit of ${MAX_ROSTER_UPLOAD_BYTES}: nothing was read`),
      );
    }
    return next
      .handle()
      .pipe(
        catchError((error: unknown) =>
          throwError(() =>
            error instanceof PayloadTooLargeException && !(error.getResponse() as { errors?: unknown }).errors
              ? new PayloadTooLargeException(
                  sizeReport(`a file is above the limit of ${MAX_ROSTER_FILE_BYTES} bytes: reading stopped there`),
                )
              : error,
          ),
        ),
      );
  }
}

@ApiTags('roster')
@ApiBearerAuth()
@Controller('roster')
export class RosterController {
  constructor(@Inject(RosterImportHandler) private readonly handler: RosterImportHandler) {}

  /**
   * Imports a OneRoster 1.2 CSV set (multipart: one part per file, named by its file name: manifest.csv,
   * orgs.csv, …). Answers a report: every error with file, line, column and reason; nothing is applied when there
   * is any error unless applyValidRows=true. Re-importing the same files changes nothing.
   */
  @Post('imports')
  @HttpCode(200)
  @Roles('district_admin')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', properties: { files: { type: 'array', items: { type: 'string', format: 'binary' } } } },
  })
  @UseInterceptors(
    UploadSizeCap,
    AnyFilesInterceptor({ limits: { fileSize: MAX_ROSTER_FILE_BYTES, files: MAX_FILES, fields: 0 } }),
  )
  async import(
    @UploadedFiles() files: UploadedFile[] | undefined,
    @Query() q: RosterImportQueryDto,
    @CurrentPrincipal() p: Principal,
  ) {
    if (!this.handler.available) throw new ServiceUnavailableException('roster import needs ENROLLMENT_MASTER_KEY');
    const inputs = (files ?? []).map((f) =>
      f.size > MAX_ROSTER_FILE_BYTES
        ? tooLarge(baseName(f.originalname), f.size)
        : decodeRosterFile(baseName(f.originalname), f.buffer),
    );
    return this.handler.handle({
      districtId: p.districtId,
      files: inputs,
      applyValidRows: q.applyValidRows ?? false,
      dryRun: q.dryRun ?? false,
    });
  }
}

const baseName = (name: string): string => name.split(/[\\/]/).pop() ?? name;

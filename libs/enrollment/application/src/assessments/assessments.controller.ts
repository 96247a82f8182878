import {
  Controller,
  HttpCode,
  Inject,
  Post,
  Query,
  ServiceUnavailableException,
  UnprocessableEntityException,
  UploadedFiles,
  UseInterceptors,
} from '@nestjs/common';
import { AnyFilesInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { decodeRosterFile, MAX_ROSTER_FILE_BYTES, PostgresAssessmentStore } from '@tutoring/enrollment/infrastructure';
import { CurrentPrincipal, Principal, Roles } from '@tutoring/shared/auth';
import { RosterImportQueryDto, UploadSizeCap } from '../roster/roster.controller';

export const ASSESSMENT_STORE = Symbol.for('tutoring.enrollment.AssessmentStore');

/**
 * Assessment results as a CSV file (localStudentId, schoolYear, window BOY/MOY/EOY, subject, scaleScore,
 * percentile, optional growthPercentile), matched to students by local number, published pseudonymously.
 */
@ApiTags('assessments')
@ApiBearerAuth()
@Controller('assessments')
export class AssessmentsController {
  constructor(@Inject(ASSESSMENT_STORE) private readonly store: PostgresAssessmentStore | null) {}

  @Post('imports')
  @HttpCode(200)
  @Roles('district_admin', 'program_manager')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @UseInterceptors(
    UploadSizeCap,
    AnyFilesInterceptor({ limits: { fileSize: MAX_ROSTER_FILE_BYTES, files: 1, fields: 0 } }),
  )
  import(
    @UploadedFiles() files: { originalname: string; buffer: Buffer }[] | undefined,
    @Query() q: RosterImportQueryDto,
    @CurrentPrincipal() p: Principal,
  ) {
    if (!this.store) throw new ServiceUnavailableException('assessment import needs ENROLLMENT_MASTER_KEY');
    const file = files?.[0];
    if (!file) throw new UnprocessableEntityException('attach one CSV file');
    const name = file.originalname.split(/[\\/]/).pop() ?? 'assessments.csv';
    return this.store.import(decodeRosterFile(name, file.buffer), {
      districtId: p.districtId,
      applyValidRows: q.applyValidRows ?? false,
      now: new Date(),
      newId: randomUUID,
    });
  }
}

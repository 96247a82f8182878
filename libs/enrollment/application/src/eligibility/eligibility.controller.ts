import {
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Query,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { rankEligible } from '@tutoring/enrollment/domain';
import {
  PostgresAssessmentStore,
  PostgresOrganisationStore,
  PostgresStudentStore,
  PostgresTutorStore,
} from '@tutoring/enrollment/infrastructure';
import { auditActor } from '@tutoring/shared/audit';
import { CurrentPrincipal, Principal, Roles } from '@tutoring/shared/auth';
import { OffsetPageQueryDto, pageSize } from '@tutoring/shared/service-kit';
import { ASSESSMENT_STORE } from '../assessments/assessments.controller';

export class EligibilityQueryDto extends OffsetPageQueryDto {
  @ApiProperty({ example: '2026-2027' })
  @Matches(/^\d{4}-\d{4}$/)
  schoolYear: string;

  @ApiPropertyOptional({ enum: ['BOY', 'MOY', 'EOY'], default: 'BOY' })
  @IsOptional()
  @IsIn(['BOY', 'MOY', 'EOY'])
  window?: 'BOY' | 'MOY' | 'EOY';

  @ApiPropertyOptional({ default: 40, description: 'eligible when percentile < maxPercentile' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  maxPercentile?: number;

  @ApiProperty({ description: 'Why the records are read (audit log)' })
  @IsString()
  @MinLength(3)
  @MaxLength(200)
  purpose: string;
}

/** The program's eligible students, ranked by need with reasons, and how many the tutors can serve. */
@ApiTags('eligibility')
@ApiBearerAuth()
@Controller('programs/:programId/eligibility')
export class EligibilityController {
  constructor(
    @Inject(PostgresOrganisationStore) private readonly organisation: PostgresOrganisationStore,
    @Inject(PostgresStudentStore) private readonly students: PostgresStudentStore,
    @Inject(PostgresTutorStore) private readonly tutors: PostgresTutorStore,
    @Inject(ASSESSMENT_STORE) private readonly assessments: PostgresAssessmentStore | null,
  ) {}

  @Get()
  @Roles('district_admin', 'program_manager')
  async rank(
    @Param('programId', new ParseUUIDPipe()) programId: string,
    @Query() q: EligibilityQueryDto,
    @CurrentPrincipal() p: Principal,
  ) {
    if (!this.assessments) throw new ServiceUnavailableException('eligibility needs ENROLLMENT_MASTER_KEY');
    const program = await this.organisation.getProgram(p.districtId, programId);
    if (!program) throw new NotFoundException('program not found');
    const window = q.window ?? 'BOY';
    const maxPercentile = q.maxPercentile ?? 40;
    const [students, scores, tutors] = await Promise.all([
      this.students.all(p.districtId, auditActor(p), `GET /v1/programs/:id/eligibility: ${q.purpose}`),
      this.assessments.results(p.districtId, { schoolYear: q.schoolYear, window, subject: program.subject }),
      this.tutors.all(p.districtId),
    ]);
    const result = rankEligible(program, { maxPercentile }, students, scores, tutors, `${window} ${program.subject}`);
    const limit = pageSize(q.limit);
    const offset = q.offset ?? 0;
    return {
      programId,
      rule: { gradeBand: program.gradeBand, subject: program.subject, schoolYear: q.schoolYear, window, maxPercentile },
      capacity: result.capacity,
      eligible: result.ranked.length,
      served: result.ranked.filter((r) => r.served).length,
      excluded: result.excluded,
      items: result.ranked.slice(offset, offset + limit),
      limit,
      offset,
    };
  }
}

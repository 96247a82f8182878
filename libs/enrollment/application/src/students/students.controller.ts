import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags, IntersectionType } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { PostgresStudentStore } from '@tutoring/enrollment/infrastructure';
import { auditActor } from '@tutoring/shared/audit';
import { CurrentPrincipal, Principal, Roles } from '@tutoring/shared/auth';
import { OffsetPageQueryDto, pageSize } from '@tutoring/shared/service-kit';
import { randomUUID } from 'node:crypto';
import { isOnly, mapErrors, requireCrypto, teacherScope } from '../common/http';
import { ENROLLMENT_CONFIG, type EnrollmentConfig } from '../common/enrollment.config';

export class PurposeDto {
  @ApiProperty({ description: 'Why the records are read (kept in the audit log)', example: 'eligibility review' })
  @IsString()
  @MinLength(3)
  @MaxLength(200)
  purpose: string;
}

export class StudentListQueryDto extends IntersectionType(PurposeDto, OffsetPageQueryDto) {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional({ example: '7' })
  @IsOptional()
  @Matches(/^(PK|K|[1-9]|1[0-2])$/)
  grade?: string;
}

export class EraseStudentDto {
  @ApiProperty({ description: 'Why (e.g. the request reference)', example: 'parent request #4521' })
  @IsString()
  @MinLength(3)
  @MaxLength(200)
  reason: string;
}

/** Students: pseudonymous lists, PII one student at a time (audited), erasure. */
@ApiTags('students')
@ApiBearerAuth()
@Controller('students')
export class StudentsController {
  constructor(
    @Inject(PostgresStudentStore) private readonly students: PostgresStudentStore,
    @Inject(ENROLLMENT_CONFIG) private readonly config: EnrollmentConfig,
  ) {}

  /** Pseudonymous rows: a school leader sees their schools' students, a teacher the students of their classes. */
  @Get()
  @Roles('district_admin', 'program_manager', 'school_leader', 'teacher')
  list(@Query() q: StudentListQueryDto, @CurrentPrincipal() p: Principal) {
    const limit = pageSize(q.limit);
    const offset = q.offset ?? 0;
    let schoolIds: string[] | undefined = q.schoolId ? [q.schoolId.toLowerCase()] : undefined;
    if (isOnly(p, 'school_leader')) {
      schoolIds = (schoolIds ?? [...p.schoolIds]).filter((s) => p.schoolIds.includes(s));
    }
    return this.students
      .list(
        p.districtId,
        { schoolIds, grade: q.grade, teacher: teacherScope(p), limit, offset },
        auditActor(p),
        `GET /v1/students: ${q.purpose}`,
      )
      .then((items) => ({ items, limit, offset }));
  }

  /**
   * Names, birth date, local number and contacts of one student: decrypted for this read only, and audited. A
   * teacher reads only their own students' names (recorded as `student.names`); another student is a 404.
   */
  @Get(':studentId/pii')
  @Roles('district_admin', 'program_manager', 'school_leader', 'teacher')
  pii(
    @Param('studentId', new ParseUUIDPipe()) studentId: string,
    @Query() q: PurposeDto,
    @CurrentPrincipal() p: Principal,
  ) {
    requireCrypto(this.config.crypto);
    return mapErrors(async () => {
      const schools = isOnly(p, 'school_leader') ? p.schoolIds : undefined;
      return this.students.readPii(
        p.districtId,
        studentId,
        auditActor(p),
        `GET /v1/students/:id/pii: ${q.purpose}`,
        schools,
        teacherScope(p),
      );
    });
  }

  /**
   * Erases the student's PII by destroying their data key (crypto-shredding). The pseudonymous id stays, so
   * enrolments, ledger lines and payout totals are unaffected; other services are told to drop cached data.
   */
  @Post(':studentId/erasure')
  @HttpCode(200)
  @Roles('district_admin')
  erase(
    @Param('studentId', new ParseUUIDPipe()) studentId: string,
    @Body() body: EraseStudentDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return mapErrors(async () => {
      const erased = await this.students.erase(p.districtId, studentId, auditActor(p), `erasure: ${body.reason}`, {
        eventId: randomUUID(),
        now: new Date(),
      });
      return { studentId, erased: true, alreadyErased: !erased };
    });
  }
}

import {
  Body,
  ConflictException,
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
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { ENROLMENT_STATUSES } from '@tutoring/shared/contracts';
import { EnrolmentRuleViolation } from '@tutoring/enrollment/domain';
import { EnrolmentConflict, PostgresEnrolmentStore } from '@tutoring/enrollment/infrastructure';
import { auditActor } from '@tutoring/shared/audit';
import { CurrentPrincipal, Principal, Roles } from '@tutoring/shared/auth';
import { OffsetPageQueryDto, pageSize } from '@tutoring/shared/service-kit';
import { isOnly, mapErrors, teacherScope } from '../common/http';
import { EnrolmentHandler, type LifecycleStep } from './enrolment.handler';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class ContactPreferencesDto {
  @ApiProperty({ example: 'es', description: 'BCP 47 language tag' })
  @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/)
  language: string;

  @ApiProperty({ enum: ['email', 'sms', 'none'] })
  @IsIn(['email', 'sms', 'none'])
  channel: 'email' | 'sms' | 'none';
}

export class IdentifyDto {
  @ApiProperty()
  @IsUUID()
  studentId: string;

  @ApiPropertyOptional({ type: ContactPreferencesDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ContactPreferencesDto)
  contactPreferences?: ContactPreferencesDto;
}

export class ConsentDto {
  @ApiProperty({ enum: ['granted', 'refused', 'not_opted_out', 'opted_out'] })
  @IsIn(['granted', 'refused', 'not_opted_out', 'opted_out'])
  decision: 'granted' | 'refused' | 'not_opted_out' | 'opted_out';

  @ApiProperty({ example: '2026-09-02', description: 'local date of the decision' })
  @Matches(DATE)
  date: string;
}

export class EnrolDto {
  @ApiProperty()
  @IsUUID()
  vendorId: string;

  @ApiProperty({ example: '2026-09-14' })
  @Matches(DATE)
  startDate: string;
}

export class EndDto {
  @ApiProperty({ example: '2027-01-15', description: 'last day served (inclusive)' })
  @Matches(DATE)
  date: string;

  @ApiProperty({ example: 'moved_school' })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  reason: string;
}

export class EnrolmentListDto extends OffsetPageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  programId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  studentId?: string;

  @ApiPropertyOptional({ enum: ENROLMENT_STATUSES })
  @IsOptional()
  @IsIn([...ENROLMENT_STATUSES])
  status?: string;
}

const MANAGE = ['district_admin', 'program_manager'] as const;

@ApiTags('enrolments')
@ApiBearerAuth()
@Controller()
export class EnrolmentsController {
  constructor(
    @Inject(EnrolmentHandler) private readonly handler: EnrolmentHandler,
    @Inject(PostgresEnrolmentStore) private readonly store: PostgresEnrolmentStore,
  ) {}

  private run<T>(work: () => Promise<T>): Promise<T> {
    return mapErrors(async () => {
      try {
        return await work();
      } catch (error) {
        if (error instanceof EnrolmentRuleViolation)
          throw new UnprocessableEntityException({ code: error.code, message: error.message });
        if (error instanceof EnrolmentConflict) throw new ConflictException(error.message);
        throw error;
      }
    });
  }

  /** Identifies a student for a program: the start of the consent and enrolment lifecycle. */
  @Post('programs/:programId/enrolments')
  @HttpCode(201)
  @Roles(...MANAGE)
  identify(
    @Param('programId', new ParseUUIDPipe()) programId: string,
    @Body() body: IdentifyDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.run(() =>
      this.handler.identify(p.districtId, programId, body.studentId.toLowerCase(), body.contactPreferences),
    );
  }

  private stepRoute(p: Principal, enrolmentId: string, step: LifecycleStep) {
    return this.run(() => this.handler.step(p.districtId, enrolmentId, step));
  }

  @Post('enrolments/:enrolmentId/invitation')
  @HttpCode(200)
  @Roles(...MANAGE)
  invite(@Param('enrolmentId', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.stepRoute(p, id, { type: 'InviteFamily' });
  }

  @Post('enrolments/:enrolmentId/consent')
  @HttpCode(200)
  @Roles(...MANAGE)
  consent(
    @Param('enrolmentId', new ParseUUIDPipe()) id: string,
    @Body() body: ConsentDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.stepRoute(p, id, { type: 'RecordConsent', decision: body.decision, date: body.date });
  }

  @Post('enrolments/:enrolmentId/enrolment')
  @HttpCode(200)
  @Roles(...MANAGE)
  enrol(
    @Param('enrolmentId', new ParseUUIDPipe()) id: string,
    @Body() body: EnrolDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.stepRoute(p, id, {
      type: 'EnrolStudent',
      vendorId: body.vendorId.toLowerCase(),
      startDate: body.startDate,
    });
  }

  @Post('enrolments/:enrolmentId/withdrawal')
  @HttpCode(200)
  @Roles(...MANAGE)
  withdraw(
    @Param('enrolmentId', new ParseUUIDPipe()) id: string,
    @Body() body: EndDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.stepRoute(p, id, { type: 'WithdrawStudent', date: body.date, reason: body.reason });
  }

  @Post('enrolments/:enrolmentId/exit')
  @HttpCode(200)
  @Roles(...MANAGE)
  exit(@Param('enrolmentId', new ParseUUIDPipe()) id: string, @Body() body: EndDto, @CurrentPrincipal() p: Principal) {
    return this.stepRoute(p, id, { type: 'ExitStudent', date: body.date, reason: body.reason });
  }

  @Put('enrolments/:enrolmentId/contact-preferences')
  @Roles(...MANAGE)
  contact(
    @Param('enrolmentId', new ParseUUIDPipe()) id: string,
    @Body() body: ContactPreferencesDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.stepRoute(p, id, {
      type: 'SetContactPreferences',
      contactPreferences: { language: body.language, channel: body.channel },
    });
  }

  /** A vendor sees only the enrolments it serves; a school leader only their schools'; a teacher their students'. */
  @Get('enrolments')
  @Roles('district_admin', 'program_manager', 'school_leader', 'teacher', 'vendor')
  async list(@Query() q: EnrolmentListDto, @CurrentPrincipal() p: Principal) {
    const limit = pageSize(q.limit);
    const offset = q.offset ?? 0;
    const vendorOnly = isOnly(p, 'vendor');
    const items = await this.store.list(
      p.districtId,
      {
        programId: q.programId,
        studentId: q.studentId,
        status: q.status,
        vendorId: vendorOnly ? (p.vendorId ?? '00000000-0000-0000-0000-000000000000') : undefined,
        schoolIds: isOnly(p, 'school_leader') ? p.schoolIds : undefined,
        teacher: teacherScope(p),
        limit,
        offset,
      },
      { actor: auditActor(p), purpose: 'GET /v1/enrolments' },
    );
    return { items, limit, offset };
  }

  @Get('enrolments/:enrolmentId')
  @Roles('district_admin', 'program_manager', 'school_leader', 'teacher', 'vendor')
  async get(@Param('enrolmentId', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal) {
    const e = await this.store.get(
      p.districtId,
      id,
      { actor: auditActor(p), purpose: 'GET /v1/enrolments/:id' },
      teacherScope(p),
    );
    const hidden =
      !e ||
      (isOnly(p, 'vendor') && e.vendorId !== p.vendorId) ||
      (isOnly(p, 'school_leader') && !p.schoolIds.includes(e.schoolId));
    if (hidden) throw new NotFoundException('enrolment not found');
    return e;
  }
}

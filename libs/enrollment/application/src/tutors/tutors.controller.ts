import {
  Body,
  ConflictException,
  Controller,
  ForbiddenException,
  Get,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Put,
  Query,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { randomUUID } from 'node:crypto';
import { registerTutor, tutorClearanceOn, TutorRuleViolation } from '@tutoring/enrollment/domain';
import {
  PostgresTutorStore,
  PostgresVendorRepository,
  TutorOfAnotherVendor,
} from '@tutoring/enrollment/infrastructure';
import { CurrentPrincipal, Principal, Roles } from '@tutoring/shared/auth';
import { OffsetPageQueryDto, pageSize } from '@tutoring/shared/service-kit';
import { isOnly } from '../common/http';
import { GradeBandDto } from '../organisation/organisation.dto';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

export class AvailabilityDto {
  @ApiProperty({ example: 1, description: '1 = Monday … 7 = Sunday' })
  @IsInt()
  @Min(1)
  @Max(7)
  weekday: number;

  @ApiProperty({ example: '08:00' })
  @Matches(TIME)
  from: string;

  @ApiProperty({ example: '12:00' })
  @Matches(TIME)
  to: string;
}

export class TutorDto {
  @ApiProperty()
  @IsUUID()
  vendorId: string;

  @ApiProperty({
    example: '2027-06-30',
    nullable: true,
    description: 'background check valid through (inclusive); null = not cleared',
  })
  @ValidateIf((_o, v) => v !== null)
  @Matches(DATE)
  clearedUntil: string | null;

  @ApiProperty({ example: ['math'] })
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(/^[a-z][a-z0-9_]{1,31}$/, { each: true })
  subjects: string[];

  @ApiProperty({ type: [GradeBandDto] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => GradeBandDto)
  gradeBands: GradeBandDto[];

  @ApiProperty({ example: ['hit-microcredential'] })
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  credentials: string[];

  @ApiProperty({ type: [AvailabilityDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AvailabilityDto)
  availability: AvailabilityDto[];

  @ApiPropertyOptional({ default: 4, description: 'groups the tutor can serve at once' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  maxGroups?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class TutorListDto extends OffsetPageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  vendorId?: string;
}

export class ClearanceQueryDto {
  @ApiProperty({ example: '2026-10-05' })
  @Matches(DATE)
  date: string;
}

/** Tutors: the district or the vendor itself registers them (a vendor only its own), with their clearance. */
@ApiTags('tutors')
@ApiBearerAuth()
@Controller('tutors')
export class TutorsController {
  constructor(
    @Inject(PostgresTutorStore) private readonly tutors: PostgresTutorStore,
    @Inject(PostgresVendorRepository) private readonly vendors: PostgresVendorRepository,
  ) {}

  /** Registers or updates a tutor under the caller's chosen id (the id the vendor sends in session events). */
  @Put(':tutorId')
  @Roles('district_admin', 'program_manager', 'vendor')
  async put(
    @Param('tutorId', new ParseUUIDPipe()) tutorId: string,
    @Body() body: TutorDto,
    @CurrentPrincipal() p: Principal,
  ) {
    const vendorId = body.vendorId.toLowerCase();
    if (isOnly(p, 'vendor') && vendorId !== p.vendorId)
      throw new ForbiddenException('a vendor registers only its own tutors');
    try {
      const tutor = registerTutor(
        {
          tutorId: tutorId.toLowerCase(),
          districtId: p.districtId,
          vendorId,
          clearedUntil: body.clearedUntil,
          subjects: body.subjects,
          gradeBands: body.gradeBands.map((b) => ({ from: b.from, to: b.to })),
          credentials: body.credentials,
          availability: body.availability.map((w) => ({ weekday: w.weekday, from: w.from, to: w.to })),
          maxGroups: body.maxGroups ?? 4,
          active: body.active ?? true,
        },
        await this.vendors.ids(p.districtId),
      );
      const changed = await this.tutors.save(tutor, { eventId: randomUUID(), now: new Date() });
      return { ...tutor, changed };
    } catch (error) {
      if (error instanceof TutorRuleViolation)
        throw new UnprocessableEntityException({ code: error.code, message: error.message });
      if (error instanceof TutorOfAnotherVendor) throw new ConflictException(error.message);
      throw error;
    }
  }

  @Get()
  @Roles('district_admin', 'program_manager', 'school_leader', 'vendor')
  async list(@Query() q: TutorListDto, @CurrentPrincipal() p: Principal) {
    const limit = pageSize(q.limit);
    const offset = q.offset ?? 0;
    const vendorId = isOnly(p, 'vendor') ? p.vendorId : q.vendorId?.toLowerCase();
    return { items: await this.tutors.list(p.districtId, { vendorId, limit, offset }), limit, offset };
  }

  /** Whether the tutor can be scheduled and paid on a date, and why not. */
  @Get(':tutorId/clearance')
  @Roles('district_admin', 'program_manager', 'school_leader', 'vendor', 'finance')
  async clearance(
    @Param('tutorId', new ParseUUIDPipe()) tutorId: string,
    @Query() q: ClearanceQueryDto,
    @CurrentPrincipal() p: Principal,
  ) {
    const tutor = await this.tutors.get(p.districtId, tutorId.toLowerCase());
    if (!tutor || (isOnly(p, 'vendor') && tutor.vendorId !== p.vendorId))
      throw new NotFoundException('tutor not found');
    return { tutorId: tutor.tutorId, date: q.date, ...tutorClearanceOn(tutor, q.date) };
  }
}

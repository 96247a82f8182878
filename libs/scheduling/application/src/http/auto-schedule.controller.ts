import { Body, Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
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
  MinLength,
  ValidateNested,
} from 'class-validator';
import { CurrentPrincipal, Principal, Roles } from '@tutoring/shared/auth';
import { AutoScheduleService } from '../commands/auto-schedule.service';
import { actorOf, assertMayChangeSchool, mapErrors } from './access';

export class FreeCellDto {
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(7) weekday: number;
  @ApiProperty({ example: 'P3' }) @Matches(/^[A-Za-z0-9_-]{1,16}$/) period: string;
  @ApiPropertyOptional({
    example: 'A',
    description:
      'Rotating (A/B) schools: the day type this free period is on; absent = free in that period on every day type falling on that weekday. Ignored on weekly schools.',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,16}$/)
  dayType?: string;
}

export class StudentFreeDto {
  @ApiProperty() @IsUUID() studentId: string;
  @ApiProperty({ type: [FreeCellDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => FreeCellDto)
  free: FreeCellDto[];
}

export class SlotDefaultsDto {
  @ApiProperty({ example: 'Library' }) @IsString() @MinLength(1) @MaxLength(200) location: string;
  @ApiProperty({ example: 'staff-7' }) @IsString() @MinLength(1) @MaxLength(100) supervisorId: string;
}

export class AutoScheduleDto {
  @ApiProperty() @IsUUID() programId: string;
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  schoolIds: string[];
  @ApiProperty({ type: [StudentFreeDto], description: "Students' free periods (intervention blocks)" })
  @IsArray()
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => StudentFreeDto)
  freePeriods: StudentFreeDto[];
  @ApiPropertyOptional({
    default: false,
    description:
      'Apply the proposal at once: all groups in one transaction (each through the manual conflict check), or none (409 naming what changed during the solve)',
  })
  @IsOptional()
  @IsBoolean()
  apply?: boolean;
  @ApiProperty({ type: SlotDefaultsDto }) @ValidateNested() @Type(() => SlotDefaultsDto) slotDefaults: SlotDefaultsDto;
}

@ApiTags('auto-schedule')
@ApiBearerAuth()
@Controller('auto-schedule')
export class AutoScheduleController {
  constructor(@Inject(AutoScheduleService) private readonly auto: AutoScheduleService) {}

  /**
   * Proposes (and with apply=true forms) groups maximising students at full dose; explains each student not placed.
   * The proposal is stored with the facts it relied on: `proposalId` + `proposalVersion` to apply it later.
   */
  @Post()
  @HttpCode(200)
  @Roles('district_admin', 'program_manager', 'school_leader')
  async run(@Body() body: AutoScheduleDto, @CurrentPrincipal() p: Principal) {
    for (const schoolId of body.schoolIds) assertMayChangeSchool(p, schoolId);
    return mapErrors(() =>
      this.auto.run(actorOf(p, 'POST /v1/auto-schedule'), { ...body, apply: body.apply ?? false }),
    );
  }

  /**
   * Applies a stored proposal: every group, membership, slot, occurrence and event in one transaction, or nothing.
   * 409 `stale_proposal` naming each change when what the proposal relied on (its students' enrolments, its tutors,
   * groups sharing them, bell schedules, A/B calendars, the program) changed since it was computed, or when it was
   * applied already; 409 `schedule_conflict` if a group breaks a rule.
   */
  @Post('proposals/:proposalId/application')
  @HttpCode(200)
  @Roles('district_admin', 'program_manager', 'school_leader')
  async apply(@Param('proposalId', new ParseUUIDPipe()) proposalId: string, @CurrentPrincipal() p: Principal) {
    return mapErrors(() =>
      this.auto.apply(
        actorOf(p, 'POST /v1/auto-schedule/proposals/:proposalId/application'),
        proposalId,
        (schoolIds) => {
          for (const schoolId of schoolIds) assertMayChangeSchool(p, schoolId);
        },
      ),
    );
  }
}

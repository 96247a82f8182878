import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
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
import { assertMayChangeSchool, mapErrors } from './access';

export class FreeCellDto {
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(7) weekday: number;
  @ApiProperty({ example: 'P3' }) @Matches(/^[A-Za-z0-9_-]{1,16}$/) period: string;
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
    description: 'Form the proposed groups (each through the manual conflict check)',
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

  /** Proposes (and with apply=true forms) groups maximising students at full dose; explains each student not placed. */
  @Post()
  @HttpCode(200)
  @Roles('district_admin', 'program_manager', 'school_leader')
  async run(@Body() body: AutoScheduleDto, @CurrentPrincipal() p: Principal) {
    for (const schoolId of body.schoolIds) assertMayChangeSchool(p, schoolId);
    return mapErrors(() =>
      this.auto.run({ districtId: p.districtId, by: p.sub }, { ...body, apply: body.apply ?? false }),
    );
  }
}

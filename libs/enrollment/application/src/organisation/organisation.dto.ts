import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
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

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const GRADE = /^(PK|K|[1-9]|1[0-2])$/;

export class ConfigureDistrictDto {
  @ApiProperty({ example: 'America/Chicago', description: 'IANA time zone' })
  @IsString()
  @MaxLength(64)
  timeZone: string;
}

export class CreateSchoolDto {
  @ApiProperty({ example: 'Lincoln Middle School' })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  name: string;
}

export class SetCalendarDto {
  @ApiProperty({ example: '2026-08-24' })
  @Matches(DATE)
  firstDay: string;

  @ApiProperty({ example: '2027-06-04' })
  @Matches(DATE)
  lastDay: string;

  @ApiPropertyOptional({
    example: [1, 2, 3, 4, 5],
    description: 'ISO weekdays with instruction (default Monday–Friday)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(7)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  weekdays?: number[];

  @ApiProperty({ example: ['2026-11-26', '2026-11-27'] })
  @IsArray()
  @ArrayMaxSize(200)
  @Matches(DATE, { each: true })
  holidays: string[];

  @ApiProperty({ example: ['2026-10-09'] })
  @IsArray()
  @ArrayMaxSize(200)
  @Matches(DATE, { each: true })
  earlyReleaseDays: string[];
}

export class GradeBandDto {
  @ApiProperty({ example: '6' })
  @Matches(GRADE)
  from: string;

  @ApiProperty({ example: '8' })
  @Matches(GRADE)
  to: string;
}

export class DosageTargetDto {
  @ApiProperty({ example: 3 })
  @IsInt()
  @Min(1)
  @Max(14)
  sessionsPerWeek: number;

  @ApiProperty({ example: 30 })
  @IsInt()
  @Min(1)
  @Max(240)
  minutesPerSession: number;

  @ApiProperty({ example: 10 })
  @IsInt()
  @Min(1)
  @Max(60)
  weeks: number;
}

export class HoursDto {
  @ApiProperty({ example: '06:00' })
  @Matches(TIME)
  from: string;

  @ApiProperty({ example: '20:00' })
  @Matches(TIME)
  to: string;
}

export class DefineProgramDto {
  @ApiProperty({ example: 'Middle school math HDT' })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'math' })
  @Matches(/^[a-z][a-z0-9_]{1,31}$/)
  subject: string;

  @ApiProperty({ type: GradeBandDto })
  @ValidateNested()
  @Type(() => GradeBandDto)
  gradeBand: GradeBandDto;

  @ApiPropertyOptional({ type: DosageTargetDto, description: 'default NSSA: 3 × 30 min for 10 weeks' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DosageTargetDto)
  target?: DosageTargetDto;

  @ApiPropertyOptional({ example: 4, default: 4 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  maxGroupSize?: number;

  @ApiProperty({ example: '2026-09-08' })
  @Matches(DATE)
  startDate: string;

  @ApiProperty({ example: '2027-05-28' })
  @Matches(DATE)
  endDate: string;

  @ApiProperty({ enum: ['opt_in', 'opt_out'] })
  @IsIn(['opt_in', 'opt_out'])
  consentMode: 'opt_in' | 'opt_out';

  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  vendorIds: string[];

  @ApiPropertyOptional({ type: HoursDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => HoursDto)
  plausibleHours?: HoursDto;
}

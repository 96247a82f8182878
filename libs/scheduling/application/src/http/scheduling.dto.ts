// HTTP request shapes (class-validator; the global pipe whitelists and forbids unknown fields).
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
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
import { CANCELLATION_REASON_CODES } from '@tutoring/scheduling/domain';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CODE = /^[A-Za-z0-9_-]{1,16}$/;

export class PeriodDto {
  @ApiProperty({ example: 'P3' }) @Matches(CODE) code: string;
  @ApiProperty({ example: '10:00' }) @Matches(HHMM) start: string;
  @ApiProperty({ example: '10:45' }) @Matches(HHMM) end: string;
}

export class DayTypeDto {
  @ApiProperty({ example: 'A', description: "'*' for a weekly schedule, else a rotation day type" })
  @Matches(/^(\*|[A-Za-z0-9]{1,8})$/)
  dayType: string;
  @ApiProperty({ type: [PeriodDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => PeriodDto)
  periods: PeriodDto[];
}

export class RotationDto {
  @ApiProperty({ enum: ['weekly', 'rotating'] }) @IsIn(['weekly', 'rotating']) kind: 'weekly' | 'rotating';
  @ApiPropertyOptional({ example: ['A', 'B'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(8, { each: true })
  dayTypes?: string[];
  @ApiPropertyOptional({ example: '2026-09-01', description: 'First instructional day of the rotation (day type 1)' })
  @IsOptional()
  @Matches(DATE)
  anchorDate?: string;
}

export class BellScheduleDto {
  @ApiProperty({ type: RotationDto }) @ValidateNested() @Type(() => RotationDto) rotation: RotationDto;
  @ApiPropertyOptional({
    type: [PeriodDto],
    description: 'Shortened periods run on early-release days (a period missing here does not meet then)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => PeriodDto)
  earlyRelease?: PeriodDto[];

  @ApiProperty({ type: [DayTypeDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => DayTypeDto)
  dayTypes: DayTypeDto[];
}

export class SlotDto {
  @ApiProperty({ example: [1, 3, 5], description: 'ISO weekdays, 1 = Monday' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  weekdays: number[];
  @ApiProperty({ example: 'P3' }) @Matches(CODE) period: string;
  @ApiProperty({ example: 30 }) @IsInt() @Min(5) @Max(240) minutes: number;
  @ApiPropertyOptional({ example: ['A'], description: 'Rotating schedules: day types the slot runs on; omit for all' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(8, { each: true })
  dayTypes?: string[];
  @ApiProperty({ example: 'Room 12', description: 'Room, or the supervised room of a virtual session' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  location: string;
  @ApiProperty({
    example: 'staff-42',
    description: 'Supervising adult (staff id): students are never left alone with a screen',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  supervisorId: string;
}

export class FormGroupDto {
  @ApiProperty() @IsUUID() programId: string;
  @ApiProperty() @IsUUID() schoolId: string;
  @ApiProperty() @IsUUID() vendorId: string;
  @ApiProperty() @IsUUID() tutorId: string;
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  studentIds: string[];
  @ApiProperty({ type: [SlotDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => SlotDto)
  slots: SlotDto[];
}

export class MembersDto {
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  studentIds: string[];
}

export class SlotsDto {
  @ApiProperty({ type: [SlotDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => SlotDto)
  slots: SlotDto[];
}

export class ReassignTutorDto {
  @ApiProperty() @IsUUID() tutorId: string;
  @ApiProperty({ example: 'tutor left the vendor', description: 'Required: counts against tutor consistency' })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason: string;
}

export class MakeUpDto {
  @ApiProperty({ example: '2026-12-02', description: 'School day of the make-up session (local date)' })
  @Matches(DATE)
  date: string;
  @ApiProperty({ example: 'P3', description: 'Period of that day (its day type on a rotating schedule)' })
  @Matches(CODE)
  period: string;
}

export class ReasonDto {
  @ApiProperty() @IsString() @MinLength(3) @MaxLength(500) reason: string;
}

export class CancelOccurrenceDto {
  @ApiProperty({ enum: CANCELLATION_REASON_CODES })
  @IsIn([...CANCELLATION_REASON_CODES])
  reason: (typeof CANCELLATION_REASON_CODES)[number];
  @ApiPropertyOptional({
    enum: ['district', 'vendor'],
    description: 'Defaults from the reason (closure, testing day, student absence: district; tutor absence: vendor)',
  })
  @IsOptional()
  @IsIn(['district', 'vendor'])
  accountable?: 'district' | 'vendor';
  @ApiPropertyOptional({ type: [String], description: 'Students affected; omit for the whole occurrence' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  studentIds?: string[];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) note?: string;
}

export class PlanHorizonDto {
  @ApiPropertyOptional({ example: '2026-11-02' }) @IsOptional() @Matches(DATE) from?: string;
  @ApiPropertyOptional({ example: '2026-11-30' }) @IsOptional() @Matches(DATE) to?: string;
}

export class GroupQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @IsUUID() cursor?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() programId?: string;
}

export class OccurrenceQueryDto {
  @ApiProperty({ example: '2026-11-02' }) @Matches(DATE) from: string;
  @ApiProperty({ example: '2026-11-30' }) @Matches(DATE) to: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() groupId?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}

export class ConsistencyQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() programId?: string;
}

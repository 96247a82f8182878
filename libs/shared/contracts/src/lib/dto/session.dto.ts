// class-validator twins of ../schemas/session.schemas.ts, for Nest HTTP DTOs (whitelist + forbidNonWhitelisted).
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { SESSION_DELIVERED_V1 } from '../event-types';
import type {
  AttendanceLineV1,
  AttendanceStatus,
  Modality,
  NoteProgress,
  SessionCorrectedV1,
  SessionDeliveredV1,
  SessionNoteV1,
  SessionVoidedV1,
} from '../event-data.types';
import {
  ATTENDANCE_STATUSES,
  MAX_ATTENDANCE_LINES,
  MAX_COMMENT_LENGTH,
  MAX_NOTES,
  MAX_REASON_LENGTH,
  MAX_SESSION_DURATION_MINUTES,
  MIN_ATTENDANCE_LINES,
  MODALITIES,
  NOTE_PROGRESS,
  SESSION_ID_PATTERN,
  SKILL_PATTERN,
  SUBJECT_PATTERN,
} from '../limits';
import {
  Absentable,
  IsContractUuid,
  IsTimestamp,
  IsArrayOfObjects,
  MatchesPattern,
  Nullable,
  SatisfiesCrossFieldRules,
} from './decorators';

export class AttendanceLineV1Dto implements AttendanceLineV1 {
  @IsString() @IsContractUuid() studentId!: string;
  @IsIn(ATTENDANCE_STATUSES) status!: AttendanceStatus;
  @IsInt() @Min(0) @Max(MAX_SESSION_DURATION_MINUTES) minutes!: number;
}

export class SessionNoteV1Dto implements SessionNoteV1 {
  @IsString() @IsContractUuid() studentId!: string;
  @IsString() @MatchesPattern(SKILL_PATTERN) skill!: string;
  @IsIn(NOTE_PROGRESS) progress!: NoteProgress;
  @IsString() @MaxLength(MAX_COMMENT_LENGTH) comment!: string;
}

export class SessionDeliveredV1Dto implements SessionDeliveredV1 {
  @IsString() @MatchesPattern(SESSION_ID_PATTERN) sessionId!: string;
  @IsString() @IsContractUuid() vendorId!: string;
  @IsString() @IsContractUuid() districtId!: string;
  @IsString() @IsContractUuid() tutorId!: string;
  @Nullable() @IsString() @IsContractUuid() groupId!: string | null;
  @Nullable() @IsString() @IsContractUuid() scheduledSessionId!: string | null;
  @IsString() @MatchesPattern(SUBJECT_PATTERN) subject!: string;
  @IsIn(MODALITIES) modality!: Modality;
  @IsString() @IsTimestamp() startedAt!: string;
  @IsString() @IsTimestamp() endedAt!: string;

  @IsArray()
  @ArrayMinSize(MIN_ATTENDANCE_LINES)
  @ArrayMaxSize(MAX_ATTENDANCE_LINES)
  @IsArrayOfObjects()
  @ValidateNested({ each: true })
  @Type(() => AttendanceLineV1Dto)
  @SatisfiesCrossFieldRules(SESSION_DELIVERED_V1)
  attendance!: AttendanceLineV1Dto[];

  @Absentable()
  @IsArray()
  @ArrayMaxSize(MAX_NOTES)
  @IsArrayOfObjects()
  @ValidateNested({ each: true })
  @Type(() => SessionNoteV1Dto)
  notes?: SessionNoteV1Dto[];
}

export class SessionCorrectedV1Dto extends SessionDeliveredV1Dto implements SessionCorrectedV1 {
  @IsString() @MinLength(1) @MaxLength(MAX_REASON_LENGTH) reason!: string;
}

export class SessionVoidedV1Dto implements SessionVoidedV1 {
  @IsString() @MatchesPattern(SESSION_ID_PATTERN) sessionId!: string;
  @IsString() @IsContractUuid() vendorId!: string;
  @IsString() @IsContractUuid() districtId!: string;
  @IsString() @MinLength(1) @MaxLength(MAX_REASON_LENGTH) reason!: string;
}

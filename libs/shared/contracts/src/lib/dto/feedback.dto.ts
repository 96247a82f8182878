// class-validator twins of ../schemas/feedback.schemas.ts.
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import type { FieldErrorV1, SessionAcceptedV1, SessionExceptionV1, SessionRejectedV1 } from '../event-data.types';
import {
  CODE_PATTERN,
  MAX_EVENT_ID_LENGTH,
  MAX_FEEDBACK_ERRORS,
  MAX_FEEDBACK_EXCEPTIONS,
  MAX_MESSAGE_LENGTH,
  MAX_PATH_LENGTH,
  SESSION_ID_PATTERN,
} from '../limits';
import { IsArrayOfObjects, IsContractUuid, MatchesPattern, Nullable } from './decorators';

export class SessionExceptionV1Dto implements SessionExceptionV1 {
  @IsString() @IsContractUuid() studentId!: string;
  @IsString() @MatchesPattern(CODE_PATTERN) code!: string;
  @IsString() @MinLength(1) @MaxLength(MAX_MESSAGE_LENGTH) message!: string;
}

export class FieldErrorV1Dto implements FieldErrorV1 {
  @IsString() @MaxLength(MAX_PATH_LENGTH) path!: string;
  @IsString() @MatchesPattern(CODE_PATTERN) code!: string;
  @IsString() @MinLength(1) @MaxLength(MAX_MESSAGE_LENGTH) message!: string;
}

export class SessionAcceptedV1Dto implements SessionAcceptedV1 {
  @IsString() @MatchesPattern(SESSION_ID_PATTERN) sessionId!: string;
  @IsString() @MinLength(1) @MaxLength(MAX_EVENT_ID_LENGTH) eventId!: string;
  @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) ledgerPosition!: number;

  @IsArray()
  @ArrayMaxSize(MAX_FEEDBACK_EXCEPTIONS)
  @IsArrayOfObjects()
  @ValidateNested({ each: true })
  @Type(() => SessionExceptionV1Dto)
  exceptions!: SessionExceptionV1Dto[];
}

export class SessionRejectedV1Dto implements SessionRejectedV1 {
  @Nullable() @IsString() @MatchesPattern(SESSION_ID_PATTERN) sessionId!: string | null;
  @Nullable() @IsString() @MinLength(1) @MaxLength(MAX_EVENT_ID_LENGTH) eventId!: string | null;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_FEEDBACK_ERRORS)
  @IsArrayOfObjects()
  @ValidateNested({ each: true })
  @Type(() => FieldErrorV1Dto)
  errors!: FieldErrorV1Dto[];
}

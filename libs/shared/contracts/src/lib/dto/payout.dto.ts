// class-validator twins of ../schemas/payout.schemas.ts.
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { STATEMENT_ISSUED_V1 } from '../event-types';
import type {
  Currency,
  StatementApprovedV1,
  StatementEvidenceV1,
  StatementIssuedV1,
  StatementKind,
  StatementLineKind,
  StatementLineV1,
  StatementUnit,
} from '../event-data.types';
import {
  CURRENCIES,
  MAX_ACTOR_ID_LENGTH,
  MAX_DESCRIPTION_LENGTH,
  MAX_QUANTITY_LENGTH,
  MAX_STATEMENT_LINES,
  QUANTITY_PATTERN,
  STATEMENT_KINDS,
  STATEMENT_LINE_KINDS,
  STATEMENT_UNITS,
} from '../limits';
import {
  IsContractUuid,
  IsLocalDate,
  IsTimestamp,
  IsArrayOfObjects,
  MatchesPattern,
  Nullable,
  SatisfiesCrossFieldRules,
} from './decorators';

const IsCents = (): PropertyDecorator => (target, key) => {
  IsInt()(target, key);
  Min(Number.MIN_SAFE_INTEGER)(target, key);
  Max(Number.MAX_SAFE_INTEGER)(target, key);
};

export class StatementEvidenceV1Dto implements StatementEvidenceV1 {
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(2)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(Number.MAX_SAFE_INTEGER, { each: true })
  ledgerPositions!: [number, number];

  @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) entries!: number;
}

export class StatementLineV1Dto implements StatementLineV1 {
  @IsIn(STATEMENT_LINE_KINDS) kind!: StatementLineKind;
  @IsString() @MinLength(1) @MaxLength(MAX_DESCRIPTION_LENGTH) description!: string;
  @Nullable() @IsString() @IsContractUuid() studentId!: string | null;
  @IsString() @MatchesPattern(QUANTITY_PATTERN) @MaxLength(MAX_QUANTITY_LENGTH) quantity!: string;
  @IsIn(STATEMENT_UNITS) unit!: StatementUnit;
  @IsCents() unitPriceCents!: number;
  @IsCents() amountCents!: number;

  @IsObject()
  @ValidateNested()
  @Type(() => StatementEvidenceV1Dto)
  evidence!: StatementEvidenceV1Dto;
}

export class StatementIssuedV1Dto implements StatementIssuedV1 {
  @IsString() @IsContractUuid() statementId!: string;
  @IsString() @IsContractUuid() districtId!: string;
  @IsString() @IsContractUuid() contractId!: string;
  @IsString() @IsContractUuid() vendorId!: string;
  @IsIn(STATEMENT_KINDS) kind!: StatementKind;
  @IsString() @IsLocalDate() periodStart!: string;
  @IsString() @IsLocalDate() periodEnd!: string;
  @IsIn(CURRENCIES) currency!: Currency;

  @IsArray()
  @ArrayMaxSize(MAX_STATEMENT_LINES)
  @IsArrayOfObjects()
  @ValidateNested({ each: true })
  @Type(() => StatementLineV1Dto)
  @SatisfiesCrossFieldRules(STATEMENT_ISSUED_V1)
  lines!: StatementLineV1Dto[];

  @IsCents() totalCents!: number;
  @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) ledgerPosition!: number;
  @IsString() @IsTimestamp() computedAt!: string;
}

export class StatementApprovedV1Dto implements StatementApprovedV1 {
  @IsString() @IsContractUuid() statementId!: string;
  @IsString() @IsContractUuid() contractId!: string;
  @IsString() @MinLength(1) @MaxLength(MAX_ACTOR_ID_LENGTH) approvedBy!: string;
  @IsString() @IsTimestamp() approvedAt!: string;
  @IsCents() totalCents!: number;
}

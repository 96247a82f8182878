import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import type { RateCard } from '@tutoring/outcomes-contracting/domain';
import { OffsetPageQueryDto } from '@tutoring/shared/service-kit';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

const RATE_CARD_EXAMPLE = {
  base: { unit: 'student_hour', unitPriceCents: 4000, hourRounding: 'quarter_hour_down' },
  attendanceGateBp: 7000,
  outcome: {
    metric: 'growth_percentile',
    subject: 'math',
    schoolYear: '2026-2027',
    tiers: [
      { min: 50, cents: 50000 },
      { min: 65, cents: 100000 },
    ],
  },
  declinePenalty: null,
  holdbackBp: 2000,
  capPerStudentCents: 240000,
  capPerContractCents: 120000000,
  settlementWindows: [{ window: 'MOY', baseline: 'BOY', periodEnd: '2027-01-31' }],
};

export class CreateContractDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() vendorId: string;
  @ApiProperty({ example: 'Math HDT 2026-27' }) @IsString() @MinLength(2) @MaxLength(200) name: string;
  @ApiProperty({ example: '2026-09-01' }) @Matches(DATE) startDate: string;
  @ApiProperty({ example: '2027-06-30' }) @Matches(DATE) endDate: string;
  @ApiProperty({
    example: RATE_CARD_EXAMPLE,
    description: 'Rate card (strict shape; see docs/services/outcomes-contracting.md)',
  })
  @IsObject()
  rateCard: RateCard;
}

export class ReviseContractDto {
  @ApiProperty({ example: '2027-01-01', description: 'The new version is in force from this date on' })
  @Matches(DATE)
  effectiveFrom: string;
  @ApiProperty({ example: RATE_CARD_EXAMPLE }) @IsObject() rateCard: RateCard;
}

export class IssueStatementDto {
  @ApiProperty({ enum: ['base', 'settlement'] }) @IsIn(['base', 'settlement']) kind: 'base' | 'settlement';
  @ApiPropertyOptional({ example: '2026-09', description: 'base: the month' })
  @IsOptional()
  @Matches(MONTH)
  month?: string;
  @ApiPropertyOptional({ enum: ['MOY', 'EOY'], description: 'settlement: the window' })
  @IsOptional()
  @IsIn(['MOY', 'EOY'])
  window?: 'MOY' | 'EOY';
}

export class WhatIfDto extends IssueStatementDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() vendorId: string;
  @ApiProperty({ example: '2026-09-01' }) @Matches(DATE) startDate: string;
  @ApiProperty({ example: '2027-06-30' }) @Matches(DATE) endDate: string;
  @ApiProperty({ example: RATE_CARD_EXAMPLE }) @IsObject() rateCard: RateCard;
}

export class DisputeDto {
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(100_000) lineIndex: number;
  @ApiProperty({ maxLength: 500 }) @IsString() @MinLength(3) @MaxLength(500) reason: string;
}

export class ResolveDisputeDto {
  @ApiProperty({ enum: ['upheld', 'rejected'] }) @IsIn(['upheld', 'rejected']) decision: 'upheld' | 'rejected';
  @ApiProperty({
    description: 'Upheld: cents paid (or, negative, taken back) as an adjustment in the next statement; rejected: 0',
  })
  @IsInt()
  @Min(-100_000_000)
  @Max(100_000_000)
  amountCents: number;
  @ApiProperty({ maxLength: 400 }) @IsString() @MinLength(3) @MaxLength(400) note: string;
}

export class StatementsQueryDto extends OffsetPageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() contractId?: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { CHANNELS, LANGUAGES, RULE_IDS } from '@tutoring/notifications/domain';
import { DELIVERY_STATUSES, RECIPIENT_ROLES } from '@tutoring/notifications/infrastructure';
import { OffsetPageQueryDto } from '@tutoring/shared/service-kit';

export class DeliveriesQueryDto extends OffsetPageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: (typeof DELIVERY_STATUSES)[number];
}

export class PreviewQueryDto {
  @ApiPropertyOptional({ enum: LANGUAGES, default: 'en' })
  @IsOptional()
  @IsIn(LANGUAGES)
  lang?: (typeof LANGUAGES)[number];
}

class QuietHoursDto {
  @ApiProperty({ example: '20:00' })
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/)
  from: string;

  @ApiProperty({ example: '07:00' })
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/)
  to: string;
}

/** A patch over the defaults; validated field by field again by the domain (settingsProblems). */
export class SettingsDto {
  @ApiPropertyOptional({ type: QuietHoursDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours?: QuietHoursDto | null;

  @ApiPropertyOptional({ description: `Per rule: { enabled, digestMinutes }. Rules: ${RULE_IDS.join(', ')}` })
  @IsOptional()
  @IsObject()
  rules?: Record<string, { enabled?: boolean; digestMinutes?: number }>;

  @ApiPropertyOptional({ example: { consecutiveWeeks: 2, repeatWeekly: false } })
  @IsOptional()
  @IsObject()
  dosage?: { consecutiveWeeks?: number; repeatWeekly?: boolean };

  @ApiPropertyOptional({ example: { graceHours: 24, lookbackDays: 14 } })
  @IsOptional()
  @IsObject()
  missingSession?: { graceHours?: number; lookbackDays?: number };

  @ApiPropertyOptional({ example: { delayHours: 24 } })
  @IsOptional()
  @IsObject()
  weekly?: { delayHours?: number };
}

export class RecipientChannelDto {
  @ApiProperty({
    description: 'Email address, E.164 phone number, https URL, or the recipient id for inbox',
    maxLength: 500,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  address: string;

  @ApiPropertyOptional({ example: 'es' })
  @IsOptional()
  @IsString()
  @MaxLength(35)
  language?: string;

  @ApiPropertyOptional({ example: 'America/Chicago' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;
}

export class RoleDto {
  @ApiProperty({ enum: RECIPIENT_ROLES })
  @IsIn(RECIPIENT_ROLES)
  role: (typeof RECIPIENT_ROLES)[number];

  @ApiProperty({
    description: "school id, program id, vendor id, enrolment id, student id (teacher), or '*' (finance)",
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  scopeKey: string;
}

export class RoleParamsDto extends RoleDto {
  @IsString()
  @MaxLength(200)
  recipientId: string;
}

export class PreferencesDto {
  @ApiPropertyOptional({
    description: `Rules not to be notified about ('*' = all): ${RULE_IDS.join(', ')}`,
    isArray: true,
    type: String,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(RULE_IDS.length + 1)
  @IsIn([...RULE_IDS, '*'], { each: true })
  optedOutRules?: string[];

  @ApiPropertyOptional({ example: 'es', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(35)
  language?: string | null;
}

export class SweepDto {
  @ApiPropertyOptional({ description: 'Run the sweep as of this instant (default: now). For catch-up runs and tests.' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/)
  asOf?: string;

  @ApiPropertyOptional({ description: 'Also dispatch due deliveries right away', default: true })
  @IsOptional()
  @IsBoolean()
  dispatch?: boolean;
}

export const CHANNEL_VALUES = CHANNELS;

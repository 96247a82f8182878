import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { isRuleId, LANGUAGES, render, RULE_IDS, SAMPLE_PAYLOADS } from '@tutoring/notifications/domain';
import { Roles } from '@tutoring/shared/auth';
import { PreviewQueryDto } from './dto';

const STAFF = ['district_admin', 'program_manager', 'school_leader', 'teacher', 'vendor', 'finance'] as const;

@ApiTags('templates')
@ApiBearerAuth()
@Controller('templates')
export class TemplatesController {
  @Get()
  @Roles(...STAFF)
  list() {
    return { items: RULE_IDS.map((id) => ({ id, languages: [...LANGUAGES] })) };
  }

  /** Renders a template with invented sample data (never a real record), in the language asked for. */
  @Get(':id/preview')
  @Roles(...STAFF)
  preview(@Param('id') id: string, @Query() query: PreviewQueryDto) {
    if (!isRuleId(id)) throw new NotFoundException(`no template ${id}`);
    const lang = query.lang ?? 'en';
    return { id, lang, sample: SAMPLE_PAYLOADS[id], ...render(id, lang, SAMPLE_PAYLOADS[id]) };
  }
}

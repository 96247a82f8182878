import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { PostgresOrganisationStore } from '@tutoring/enrollment/infrastructure';
import { CurrentPrincipal, Principal, Roles } from '@tutoring/shared/auth';
import { OffsetPageQueryDto, pageSize } from '@tutoring/shared/service-kit';
import { mapErrors } from '../common/http';
import { ConfigureDistrictDto, CreateSchoolDto, DefineProgramDto, SetCalendarDto } from './organisation.dto';
import { OrganisationHandler } from './organisation.handler';

const SCHOOL_YEAR = /^\d{4}-\d{4}$/;
const schoolYearOf = (value: string): string => {
  if (!SCHOOL_YEAR.test(value)) throw new BadRequestException('schoolYear must look like 2026-2027');
  return value;
};

@ApiTags('organisation')
@ApiBearerAuth()
@Controller()
export class OrganisationController {
  constructor(
    @Inject(OrganisationHandler) private readonly handler: OrganisationHandler,
    @Inject(PostgresOrganisationStore) private readonly store: PostgresOrganisationStore,
  ) {}

  /** The district's IANA time zone: weeks, days and plausible hours are counted in it. */
  @Put('district')
  @Roles('district_admin')
  configure(@Body() body: ConfigureDistrictDto, @CurrentPrincipal() p: Principal) {
    return mapErrors(() => this.handler.configureDistrict(p.districtId, body.timeZone));
  }

  @Get('district')
  @Roles('district_admin', 'program_manager', 'school_leader', 'teacher', 'vendor', 'finance')
  async district(@CurrentPrincipal() p: Principal) {
    const district = await this.store.getDistrict(p.districtId);
    if (!district) throw new NotFoundException('the district is not configured yet');
    return district;
  }

  @Post('schools')
  @HttpCode(201)
  @Roles('district_admin')
  createSchool(@Body() body: CreateSchoolDto, @CurrentPrincipal() p: Principal) {
    return this.handler.createSchool(p.districtId, body.name);
  }

  @Get('schools')
  @Roles('district_admin', 'program_manager', 'school_leader', 'teacher', 'vendor', 'finance')
  schools(@Query() q: OffsetPageQueryDto, @CurrentPrincipal() p: Principal) {
    const limit = pageSize(q.limit);
    const offset = q.offset ?? 0;
    return this.store.listSchools(p.districtId, limit, offset).then((page) => ({ ...page, limit, offset }));
  }

  /** Replaces the school's calendar for a school year (instructional days, holidays, early release). */
  @Put('schools/:schoolId/calendars/:schoolYear')
  @Roles('district_admin', 'program_manager')
  setCalendar(
    @Param('schoolId', new ParseUUIDPipe()) schoolId: string,
    @Param('schoolYear') schoolYear: string,
    @Body() body: SetCalendarDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return mapErrors(() =>
      this.handler.setCalendar(p.districtId, schoolId, { ...body, schoolYear: schoolYearOf(schoolYear) }),
    );
  }

  @Get('schools/:schoolId/calendars/:schoolYear')
  @Roles('district_admin', 'program_manager', 'school_leader', 'teacher', 'vendor')
  async calendar(
    @Param('schoolId', new ParseUUIDPipe()) schoolId: string,
    @Param('schoolYear') schoolYear: string,
    @CurrentPrincipal() p: Principal,
  ) {
    const calendar = await this.store.getCalendar(p.districtId, schoolId, schoolYearOf(schoolYear));
    if (!calendar) throw new NotFoundException('no calendar for this school and year');
    return { schoolId, ...calendar };
  }

  @Post('programs')
  @HttpCode(201)
  @Roles('district_admin', 'program_manager')
  createProgram(@Body() body: DefineProgramDto, @CurrentPrincipal() p: Principal) {
    return mapErrors(() => this.handler.defineProgram(p.districtId, null, body));
  }

  @Put('programs/:programId')
  @Roles('district_admin', 'program_manager')
  updateProgram(
    @Param('programId', new ParseUUIDPipe()) programId: string,
    @Body() body: DefineProgramDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return mapErrors(() => this.handler.defineProgram(p.districtId, programId, body));
  }

  @Get('programs')
  @Roles('district_admin', 'program_manager', 'school_leader', 'teacher', 'vendor', 'finance')
  async programs(@Query() q: OffsetPageQueryDto, @CurrentPrincipal() p: Principal) {
    const limit = pageSize(q.limit);
    const offset = q.offset ?? 0;
    const items = await this.store.listPrograms(p.districtId, limit, offset);
    return {
      items: p.vendorId ? items.filter((i) => i.vendorIds.includes(p.vendorId as string)) : items,
      limit,
      offset,
    };
  }

  @Get('programs/:programId')
  @Roles('district_admin', 'program_manager', 'school_leader', 'teacher', 'vendor', 'finance')
  async program(@Param('programId', new ParseUUIDPipe()) programId: string, @CurrentPrincipal() p: Principal) {
    const program = await this.store.getProgram(p.districtId, programId);
    if (!program || (p.vendorId && !program.vendorIds.includes(p.vendorId)))
      throw new NotFoundException('program not found');
    return program;
  }
}

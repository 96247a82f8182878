import { randomUUID } from 'node:crypto';
import {
  buildCalendar,
  configureDistrict,
  defineProgram,
  DEFAULT_PLAUSIBLE_HOURS,
  type CalendarInput,
  type ProgramSnapshot,
} from '@tutoring/enrollment/domain';
import { NotFound, PostgresOrganisationStore, PostgresVendorRepository } from '@tutoring/enrollment/infrastructure';
import type { DefineProgramDto } from './organisation.dto';

/** Use cases of the district's organisation: each turns input into a domain snapshot, then stores and publishes it. */
export class OrganisationHandler {
  constructor(
    private readonly store: PostgresOrganisationStore,
    private readonly vendors: PostgresVendorRepository,
    private readonly clock: () => Date = () => new Date(),
    private readonly newId: () => string = randomUUID,
  ) {}

  private stamp() {
    return { eventId: this.newId(), now: this.clock() };
  }

  async configureDistrict(districtId: string, timeZone: string) {
    const district = configureDistrict({ districtId, timeZone });
    const changed = await this.store.configureDistrict(district, this.stamp());
    return { ...district, changed };
  }

  createSchool(districtId: string, name: string) {
    return this.store.createSchool({
      schoolId: this.newId(),
      districtId,
      sourcedId: null,
      name: name.trim(),
      active: true,
    });
  }

  async setCalendar(districtId: string, schoolId: string, input: CalendarInput) {
    const calendar = buildCalendar(input);
    const changed = await this.store.setCalendar(districtId, schoolId, calendar, this.stamp());
    return { schoolId, ...calendar, changed };
  }

  async defineProgram(districtId: string, programId: string | null, dto: DefineProgramDto) {
    if (programId && !(await this.store.getProgram(districtId, programId)))
      throw new NotFound(`program ${programId} not found`);
    const snapshot: ProgramSnapshot = {
      programId: programId ?? this.newId(),
      districtId,
      name: dto.name.trim(),
      subject: dto.subject,
      gradeBand: { from: dto.gradeBand.from, to: dto.gradeBand.to },
      target: dto.target
        ? {
            sessionsPerWeek: dto.target.sessionsPerWeek,
            minutesPerSession: dto.target.minutesPerSession,
            weeks: dto.target.weeks,
          }
        : { sessionsPerWeek: 3, minutesPerSession: 30, weeks: 10 },
      maxGroupSize: dto.maxGroupSize ?? 4,
      startDate: dto.startDate,
      endDate: dto.endDate,
      consentMode: dto.consentMode,
      vendorIds: dto.vendorIds.map((v) => v.toLowerCase()),
      plausibleHours: dto.plausibleHours
        ? { from: dto.plausibleHours.from, to: dto.plausibleHours.to }
        : { ...DEFAULT_PLAUSIBLE_HOURS },
    };
    const program = defineProgram(snapshot, await this.vendors.ids(districtId));
    const changed = await this.store.saveProgram(program, this.stamp());
    return { ...program, changed };
  }
}

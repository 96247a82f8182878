// Runs the auto-scheduler on what scheduling knows (program, enrolments, tutors, bell schedules, existing groups)
// plus the students' free periods the caller gives (intervention blocks), and optionally applies the proposal:
// each proposed group is formed through the same command and conflict check as a manual one.
import type { DataSource } from 'typeorm';
import {
  cellOf,
  minutesOf,
  WEEKLY_DAY_TYPE,
  type AutoScheduleInput,
  type AutoScheduleResult,
  type AutoScheduleTutor,
  type ScheduledGroup,
} from '@tutoring/scheduling/domain';
import { autoScheduleWithHighs, type SchedulingStore } from '@tutoring/scheduling/infrastructure';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { NotFound, NotReady, type Actor, type SchedulingService } from './scheduling.service';

export interface AutoScheduleRequest {
  programId: string;
  schoolIds: string[];
  /** Free periods per student (intervention blocks); a student not listed has none. */
  freePeriods: { studentId: string; free: { weekday: number; period: string }[] }[];
  apply: boolean;
  slotDefaults: { location: string; supervisorId: string };
}

export interface AutoScheduleOutcome extends AutoScheduleResult {
  applied: { groupId: string; studentIds: string[] }[];
  refused: { studentIds: string[]; tutorId: string; error: string }[];
}

export class AutoScheduleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: SchedulingStore,
    private readonly scheduling: SchedulingService,
  ) {}

  async input(
    districtId: string,
    req: AutoScheduleRequest,
  ): Promise<{ input: AutoScheduleInput; existing: ScheduledGroup[] }> {
    return inTenantTransaction(this.dataSource, districtId, async (m) => {
      const program = await this.store.program(m, req.programId);
      if (!program) throw new NotFound(`program ${req.programId} is not known to scheduling`);
      const schedules = await this.store.bellSchedules(m, req.schoolIds);
      const periodsBySchool: Record<string, string[]> = {};
      const periodStart = new Map<string, number>();
      for (const schoolId of req.schoolIds) {
        const schedule = schedules.get(schoolId);
        const periods = schedule?.rotation.kind === 'weekly' ? schedule.periods[WEEKLY_DAY_TYPE] : undefined;
        if (!periods) throw new NotReady(`school ${schoolId} needs a weekly bell schedule before auto-scheduling`);
        periodsBySchool[schoolId] = periods
          .filter((p) => minutesOf(p.end) - minutesOf(p.start) >= program.target.minutesPerSession)
          .map((p) => p.code);
        for (const p of periods) periodStart.set(`${schoolId}/${p.code}`, minutesOf(p.start));
      }
      const existing = await this.store.activeGroups(m);
      const grouped = new Set(existing.filter((g) => g.programId === req.programId).flatMap((g) => g.studentIds));
      const free = new Map(req.freePeriods.map((f) => [f.studentId, f.free.map((c) => cellOf(c.weekday, c.period))]));
      const placements = (await this.store.placements(m, req.programId, null, req.schoolIds)).filter(
        (s) => !grouped.has(s.studentId),
      );
      const tutors: AutoScheduleTutor[] = (await this.store.tutors(m, null))
        .filter((t) => program.vendorIds.length === 0 || program.vendorIds.includes(t.vendorId))
        .map((t) => {
          const own = existing.filter((g) => g.tutorId === t.tutorId);
          const busy = new Set(own.flatMap((g) => g.slots.flatMap((s) => s.weekdays.map((d) => cellOf(d, s.period)))));
          const available: Record<string, string[]> = {};
          for (const schoolId of req.schoolIds)
            available[schoolId] = (periodsBySchool[schoolId] ?? []).flatMap((code) => {
              const start = periodStart.get(`${schoolId}/${code}`) ?? 0;
              const end = start + program.target.minutesPerSession;
              return [1, 2, 3, 4, 5]
                .filter(
                  (d) =>
                    !busy.has(cellOf(d, code)) &&
                    t.availability.some((a) => a.weekday === d && minutesOf(a.from) <= start && end <= minutesOf(a.to)),
                )
                .map((d) => cellOf(d, code));
            });
          return { ...t, schoolIds: req.schoolIds, maxGroups: t.maxGroups - own.length, available };
        });
      return {
        existing,
        input: {
          program: {
            programId: program.programId,
            subject: program.subject,
            maxGroupSize: program.maxGroupSize,
            sessionsPerWeek: program.target.sessionsPerWeek,
            minutesPerSession: program.target.minutesPerSession,
            endDate: program.endDate,
          },
          weekdays: [1, 2, 3, 4, 5],
          periodsBySchool,
          students: placements.map((s) => ({
            studentId: s.studentId,
            schoolId: s.schoolId,
            grade: s.grade,
            vendorId: s.enrolledVendorId,
            free: free.get(s.studentId) ?? [],
          })),
          tutors,
        },
      };
    });
  }

  async run(actor: Actor, req: AutoScheduleRequest): Promise<AutoScheduleOutcome> {
    const { input } = await this.input(actor.districtId, req);
    const result = await autoScheduleWithHighs(input);
    const outcome: AutoScheduleOutcome = { ...result, applied: [], refused: [] };
    if (!req.apply) return outcome;
    for (const g of result.groups) {
      try {
        const formed = await this.scheduling.formGroup(actor, {
          programId: req.programId,
          schoolId: g.schoolId,
          vendorId: g.vendorId,
          tutorId: g.tutorId,
          studentIds: g.studentIds,
          slots: [
            {
              slotId: `auto-${g.weekdays.join('')}-${g.period}`,
              weekdays: g.weekdays,
              period: g.period,
              minutes: input.program.minutesPerSession,
              dayTypes: null,
              ...req.slotDefaults,
            },
          ],
        });
        outcome.applied.push({ groupId: formed.groupId, studentIds: formed.studentIds });
      } catch (error) {
        outcome.refused.push({
          studentIds: g.studentIds,
          tutorId: g.tutorId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return outcome;
  }
}

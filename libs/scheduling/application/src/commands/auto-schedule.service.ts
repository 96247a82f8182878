// Runs the auto-scheduler on what scheduling knows (program, enrolments, tutors, bell schedules with their A/B
// rotations resolved over the program's remaining days, existing groups) plus the students' free periods the caller
// gives (intervention blocks), and stores the answer as a proposal together with the facts it relied on (its basis;
// the version is the basis' digest). Applying a proposal is ONE transaction: it re-reads those facts under the
// people's locks, refuses with every change named when anything moved since (409, nothing applied), then forms every
// group through the same command and conflict check as a manual one — all groups, memberships, slots, occurrences
// and outbox events, or nothing.
import { createHash, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  basisChanges,
  cellOf,
  conflict,
  dayTypesByWeekday,
  isUniformWeekly,
  minutesOf,
  narrowBasis,
  proposalBasis,
  scheduleDayTypes,
  slotsOfProposedGroup,
  stableJson,
  StaleProposalError,
  type AutoScheduleInput,
  type AutoScheduleResult,
  type AutoScheduleTutor,
  type BellSchedule,
  type LocalDate,
  type ProgramRules,
  type ProposalBasis,
  type RotatingSchool,
  type ScheduledGroup,
  type TutorProfile,
} from '@tutoring/scheduling/domain';
import { autoScheduleWithHighs, type ProposalRow, type SchedulingStore } from '@tutoring/scheduling/infrastructure';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { NotFound, NotReady, type Actor, type SchedulingService } from './scheduling.service';
import { recordSchedulingAudit } from '../audit/scheduling-audit';

const WEEKDAYS = [1, 2, 3, 4, 5];

export interface FreeCell {
  weekday: number;
  period: string;
  /** On a rotating school: the day type this free period is on (absent: on every day type falling on that weekday). */
  dayType?: string;
}

export interface AutoScheduleRequest {
  programId: string;
  schoolIds: string[];
  /** Free periods per student (intervention blocks); a student not listed has none. */
  freePeriods: { studentId: string; free: FreeCell[] }[];
  apply: boolean;
  slotDefaults: { location: string; supervisorId: string };
}

export interface AppliedProposal {
  proposalId: string;
  applied: { groupId: string; studentIds: string[] }[];
}

export interface AutoScheduleOutcome extends AutoScheduleResult, AppliedProposal {
  proposalVersion: string;
}

/** A school's periods as the auto-scheduler sees them: per day type, and which day types fall on each weekday. */
interface SchoolTimes {
  /** The same periods every school day: cells are 'weekday:period'; otherwise they carry the day type. */
  weekly: boolean;
  periods: Record<string, string[]>;
  typesOn: Record<string, string[]>;
  /** `${dayType}/${period}` → start, minutes after midnight. */
  start: Map<string, number>;
}

const versionOf = (basis: ProposalBasis): string =>
  createHash('sha256').update(stableJson(basis)).digest('hex').slice(0, 24);

/** Minutes a tutor is already busy on each weekday (existing groups, on any day type of their slots). */
const busyByWeekday = (
  groups: ScheduledGroup[],
  schedules: Map<string, BellSchedule>,
): Map<number, [number, number][]> => {
  const busy = new Map<number, [number, number][]>();
  for (const g of groups) {
    const schedule = schedules.get(g.schoolId);
    for (const slot of g.slots) {
      const types = slot.dayTypes ?? Object.keys(schedule?.periods ?? {});
      for (const type of types) {
        const period = schedule?.periods[type]?.find((p) => p.code === slot.period);
        if (!period) continue;
        const start = minutesOf(period.start);
        for (const d of slot.weekdays) busy.set(d, [...(busy.get(d) ?? []), [start, start + slot.minutes]]);
      }
    }
  }
  return busy;
};

export class AutoScheduleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: SchedulingStore,
    private readonly scheduling: SchedulingService,
    private readonly newId: () => string = randomUUID,
  ) {}

  /**
   * Periods per day type and day types per weekday: a uniform weekly schedule is '*' every weekday; a rotating one,
   * or a weekly one with weekday periods (a late-start Wednesday), is resolved from the calendar over the horizon.
   */
  private async schoolTimes(
    m: EntityManager,
    schedule: BellSchedule,
    minutesPerSession: number,
    horizon: { from: LocalDate; to: LocalDate },
  ): Promise<SchoolTimes> {
    const weekly = isUniformWeekly(schedule);
    const types = scheduleDayTypes(schedule);
    const periods: Record<string, string[]> = {};
    const start = new Map<string, number>();
    for (const type of types) {
      const long = (schedule.periods[type] ?? []).filter(
        (p) => minutesOf(p.end) - minutesOf(p.start) >= minutesPerSession,
      );
      periods[type] = long.map((p) => p.code);
      for (const p of long) start.set(`${type}/${p.code}`, minutesOf(p.start));
    }
    const typesOn = weekly
      ? Object.fromEntries(WEEKDAYS.map((d) => [String(d), ['*']]))
      : dayTypesByWeekday(schedule, await this.store.calendar(m, schedule.schoolId), horizon.from, horizon.to);
    return { weekly, periods, typesOn, start };
  }

  private async horizon(m: EntityManager, districtId: string, program: ProgramRules) {
    const today = await this.scheduling.todayIn(m, districtId);
    return { from: today > program.startDate ? today : program.startDate, to: program.endDate };
  }

  async input(
    districtId: string,
    req: AutoScheduleRequest,
  ): Promise<{
    input: AutoScheduleInput;
    existing: ScheduledGroup[];
    basis: ProposalBasis;
    horizon: { from: LocalDate; to: LocalDate };
  }> {
    return inTenantTransaction(this.dataSource, districtId, async (m) => {
      const program = await this.store.program(m, req.programId);
      if (!program) throw new NotFound(`program ${req.programId} is not known to scheduling`);
      const horizon = await this.horizon(m, districtId, program);
      const allSchedules = await this.store.bellSchedules(m, null);
      const times = new Map<string, SchoolTimes>();
      const periodsBySchool: Record<string, string[]> = {};
      const rotatingSchools: Record<string, RotatingSchool> = {};
      for (const schoolId of req.schoolIds) {
        const schedule = allSchedules.get(schoolId);
        if (!schedule) throw new NotReady(`school ${schoolId} needs a bell schedule before auto-scheduling`);
        const t = await this.schoolTimes(m, schedule, program.target.minutesPerSession, horizon);
        if (!t.weekly && Object.keys(t.typesOn).length === 0)
          throw new NotReady(
            `school ${schoolId} has a rotating or per-weekday schedule but its calendar has no instructional day between ${horizon.from} and ${horizon.to}: its day types cannot be resolved`,
          );
        times.set(schoolId, t);
        periodsBySchool[schoolId] = [...new Set(Object.values(t.periods).flat())];
        if (!t.weekly) rotatingSchools[schoolId] = { periods: t.periods, dayTypesOn: t.typesOn };
      }
      const existing = await this.store.activeGroups(m);
      const grouped = new Set(existing.filter((g) => g.programId === req.programId).flatMap((g) => g.studentIds));
      const placements = (await this.store.placements(m, req.programId, null, req.schoolIds)).filter(
        (s) => !grouped.has(s.studentId),
      );
      const schoolOf = new Map(placements.map((s) => [s.studentId, s.schoolId]));
      const free = new Map(
        req.freePeriods.map((f) => {
          const t = times.get(schoolOf.get(f.studentId) ?? '');
          const cells = f.free.flatMap((c) =>
            !t || t.weekly
              ? [cellOf(c.weekday, c.period)]
              : c.dayType
                ? [cellOf(c.weekday, c.period, c.dayType)]
                : (t.typesOn[String(c.weekday)] ?? []).map((type) => cellOf(c.weekday, c.period, type)),
          );
          return [f.studentId, cells];
        }),
      );
      const profiles: TutorProfile[] = (await this.store.tutors(m, null)).filter(
        (t) => program.vendorIds.length === 0 || program.vendorIds.includes(t.vendorId),
      );
      const minutes = program.target.minutesPerSession;
      const tutors: AutoScheduleTutor[] = profiles.map((t) => {
        const own = existing.filter((g) => g.tutorId === t.tutorId);
        const busy = busyByWeekday(own, allSchedules);
        const available: Record<string, string[]> = {};
        for (const [schoolId, st] of times)
          available[schoolId] = WEEKDAYS.flatMap((d) =>
            (st.typesOn[String(d)] ?? []).flatMap((type) =>
              (st.periods[type] ?? [])
                .filter((code) => {
                  const start = st.start.get(`${type}/${code}`) ?? 0;
                  const end = start + minutes;
                  return (
                    t.availability.some(
                      (a) => a.weekday === d && minutesOf(a.from) <= start && end <= minutesOf(a.to),
                    ) && !(busy.get(d) ?? []).some(([s, e]) => s < end && start < e)
                  );
                })
                .map((code) => cellOf(d, code, type)),
            ),
          );
        return { ...t, schoolIds: req.schoolIds, maxGroups: t.maxGroups - own.length, available };
      });
      const basis = proposalBasis({
        program,
        schedules: req.schoolIds.map((id) => allSchedules.get(id)!),
        rotations: Object.fromEntries(Object.entries(rotatingSchools).map(([id, r]) => [id, r.dayTypesOn])),
        tutors: profiles,
        students: placements,
        groups: existing,
      });
      return {
        existing,
        basis,
        horizon,
        input: {
          program: {
            programId: program.programId,
            subject: program.subject,
            maxGroupSize: program.maxGroupSize,
            sessionsPerWeek: program.target.sessionsPerWeek,
            minutesPerSession: program.target.minutesPerSession,
            endDate: program.endDate,
          },
          weekdays: WEEKDAYS,
          periodsBySchool,
          rotatingSchools,
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

  /** Solves, stores the proposal with what it relied on, and (apply) applies it at once — still checked for changes. */
  async run(actor: Actor, req: AutoScheduleRequest): Promise<AutoScheduleOutcome> {
    const { input, existing, basis, horizon } = await this.input(actor.districtId, req);
    const result = await autoScheduleWithHighs(input);
    const studentIds = new Set(result.groups.flatMap((g) => g.studentIds));
    const tutorIds = new Set(result.groups.map((g) => g.tutorId));
    const touching = existing.filter((g) => tutorIds.has(g.tutorId) || g.studentIds.some((s) => studentIds.has(s)));
    const narrowed = narrowBasis(basis, { studentIds, tutorIds, groupIds: touching.map((g) => g.groupId) });
    const proposal: ProposalRow = {
      proposalId: this.newId(),
      districtId: actor.districtId,
      programId: req.programId,
      schoolIds: req.schoolIds,
      horizon,
      minutes: input.program.minutesPerSession,
      slotDefaults: req.slotDefaults,
      groups: result.groups,
      basis: narrowed,
      version: versionOf(narrowed),
      createdBy: actor.by,
      createdAt: this.scheduling.now(),
    };
    await inTenantTransaction(this.dataSource, actor.districtId, async (m) => {
      await this.store.saveProposal(m, proposal);
      // The proposal (stored, and returned) names every student it placed or could not place.
      await recordSchedulingAudit(
        m,
        actor,
        'create',
        'auto_schedule_proposal',
        [proposal.proposalId, ...studentIds, ...result.unplaced.map((u) => u.studentId)],
        `auto-schedule proposal for program ${req.programId}: ${result.groups.length} group(s), ${studentIds.size} placed, ${result.unplaced.length} not placed`,
      );
    });
    const outcome: AutoScheduleOutcome = {
      ...result,
      proposalId: proposal.proposalId,
      proposalVersion: proposal.version,
      applied: [],
    };
    if (!req.apply) return outcome;
    // The solve took a while: applying checks that nothing it relied on changed meanwhile.
    return { ...outcome, ...(await this.apply(actor, proposal.proposalId)) };
  }

  /** The facts a proposal relied on, as they are now (inside the applying transaction, after the people's locks). */
  private async basisNow(m: EntityManager, p: ProposalRow): Promise<ProposalBasis> {
    const studentIds = [...new Set(p.groups.flatMap((g) => g.studentIds))];
    const tutorIds = [...new Set(p.groups.map((g) => g.tutorId))];
    const program = await this.store.program(m, p.programId);
    const schedules = await this.store.bellSchedules(m, p.schoolIds);
    const rotations: Record<string, Record<string, string[]>> = {};
    for (const s of schedules.values())
      if (!isUniformWeekly(s) && program)
        rotations[s.schoolId] = (await this.schoolTimes(m, s, program.target.minutesPerSession, p.horizon)).typesOn;
    const basis = proposalBasis({
      program: program ?? ({ programId: p.programId } as ProgramRules),
      schedules: [...schedules.values()],
      rotations,
      tutors: await this.store.tutors(m, tutorIds),
      students: await this.store.placements(m, p.programId, studentIds),
      groups: await this.store.groupsTouching(m, studentIds, tutorIds),
    });
    if (!program) delete basis[`program:${p.programId}`];
    return basis;
  }

  /**
   * Applies a stored proposal in one transaction: every group with its members, slots, occurrences and outbox events,
   * or nothing. Refused (409, StaleProposalError) when it was applied already or anything it relied on changed.
   */
  async apply(
    actor: Actor,
    proposalId: string,
    mayChange: (schoolIds: string[]) => void = () => undefined,
  ): Promise<AppliedProposal> {
    return inTenantTransaction(this.dataSource, actor.districtId, async (m) => {
      const p = await this.store.proposal(m, proposalId, true);
      if (!p) throw new NotFound(`proposal ${proposalId} not found`);
      mayChange(p.schoolIds);
      if (p.status === 'applied')
        throw new StaleProposalError(proposalId, [
          conflict('proposal_applied', `proposal ${proposalId} was already applied at ${p.appliedAt ?? '?'}`),
        ]);
      await this.store.lockPeople(m, [...p.groups.flatMap((g) => g.studentIds), ...p.groups.map((g) => g.tutorId)]);
      const changes = basisChanges(p.basis, await this.basisNow(m, p));
      if (changes.length) throw new StaleProposalError(proposalId, changes);
      const applied: AppliedProposal['applied'] = [];
      // Each group formed is on record as a formation through this proposal, the application itself below.
      const via = `${actor.via ?? 'apply auto-schedule proposal'} (proposal ${proposalId})`;
      for (const g of p.groups) {
        const formed = await this.scheduling.formGroupIn(
          m,
          { ...actor, via },
          {
            programId: p.programId,
            schoolId: g.schoolId,
            vendorId: g.vendorId,
            tutorId: g.tutorId,
            studentIds: g.studentIds,
            slots: slotsOfProposedGroup(g, p.minutes, p.slotDefaults),
          },
        );
        applied.push({ groupId: formed.groupId, studentIds: formed.studentIds });
      }
      await this.store.markProposalApplied(
        m,
        proposalId,
        applied.map((a) => a.groupId),
        this.scheduling.now(),
      );
      await recordSchedulingAudit(
        m,
        actor,
        'approve',
        'auto_schedule_proposal',
        [proposalId, ...applied.map((a) => a.groupId), ...applied.flatMap((a) => a.studentIds)],
        `proposal ${proposalId} applied: ${applied.length} group(s) formed`,
      );
      return { proposalId, applied };
    });
  }
}

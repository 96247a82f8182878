import { deterministicUuid } from '../deterministic-uuid';
import type { DataSource } from 'typeorm';
import {
  DOSAGE_BELOW_TARGET_V1,
  DOSAGE_TOPIC,
  type DosageBelowTargetV1,
  serviceSource,
  validateInternalEvent,
} from '@tutoring/shared/contracts';
import { enqueueOutbox, type OutboxMessage } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import {
  dosageEventKey,
  isoWeekRange,
  judgeStudentWeek,
  type StudentWeekJudgement,
  weeksToClose,
} from '@tutoring/session-ledger/domain';
import { DosageWarningsStore, type JudgementToRecord } from '@tutoring/session-ledger/infrastructure';

export interface DosageWarningsOptions {
  /** Hours after a week's end (district zone) before it is judged, for late reports. */
  graceHours: number;
  /** Weeks judged on a district's first visit (the streak needs the weeks before). */
  catchUpWeeks: number;
  /** Pause between two visits of every district. */
  intervalMs: number;
  clock?: () => Date;
  logger?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export interface WeekClosed {
  districtId: string;
  isoWeek: string;
  studentsJudged: number;
  warnings: number;
}

const SOURCE = serviceSource('session-ledger');
/** Outbox rows per INSERT (5 bind parameters each). */
const OUTBOX_CHUNK = 1000;

/** The week has no enrolment to judge yet (see `closeWeek`). */
class NoEnrolmentYet extends Error {}

/**
 * Closes ISO weeks per district and publishes `dosage-below-target` for each student below target in a closed
 * instructional week — once per (student, week): the week is claimed by the closure row's primary key, judgements,
 * closure and outbox messages commit together, and the event id is derived from (district, student, week). It reads
 * the read models, it does not follow the ledger: a projection rebuild or replay never triggers it.
 */
export class DosageWarningsWorker {
  private readonly store: DosageWarningsStore;
  private readonly clock: () => Date;
  private running = false;
  private loop: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    private readonly opts: DosageWarningsOptions,
  ) {
    this.store = new DosageWarningsStore(schema);
    this.clock = opts.clock ?? (() => new Date());
  }

  /** Visits every district once; returns the weeks it closed. */
  async runOnce(now = this.clock()): Promise<WeekClosed[]> {
    const districts = await this.dataSource.transaction((m) => this.store.districts(m));
    const closed: WeekClosed[] = [];
    for (const districtId of districts) {
      try {
        closed.push(...(await this.closeDistrict(districtId, now)));
      } catch (error) {
        this.opts.logger?.warn({ districtId, err: String(error) }, 'dosage week closing failed; retried next visit');
      }
    }
    return closed;
  }

  /** Closes the district's weeks that are over, oldest first (a week's streak needs the week before). */
  async closeDistrict(districtId: string, now: Date): Promise<WeekClosed[]> {
    const { plan, first } = await inTenantTransaction(this.dataSource, districtId, async (m) => {
      const zone = await this.store.timeZone(m, districtId);
      if (!zone) return { plan: [], first: false };
      const lastClosed = await this.store.lastClosedWeek(m, districtId);
      return { plan: weeksToClose(lastClosed, now, zone, this.opts), first: lastClosed === null };
    });
    const closed: WeekClosed[] = [];
    let requireEnrolments = first;
    for (const isoWeek of plan) {
      try {
        const result = await this.closeWeek(districtId, isoWeek, now, { requireEnrolments });
        if (result) closed.push(result);
        requireEnrolments = false;
      } catch (error) {
        if (!(error instanceof NoEnrolmentYet)) throw error;
      }
    }
    return closed;
  }

  /**
   * Null when the week was already closed (by an earlier run or another replica). With `requireEnrolments` (no week
   * of the district closed yet) a week no enrolment covers is left open: a district's zone is usually known before
   * its roster, and closing its first weeks before the enrolments arrive would judge nobody, for good.
   */
  async closeWeek(
    districtId: string,
    isoWeek: string,
    now: Date,
    opts: { requireEnrolments?: boolean } = {},
  ): Promise<WeekClosed | null> {
    const range = isoWeekRange(isoWeek);
    if (!range) throw new Error(`not an ISO week: ${isoWeek}`);
    return inTenantTransaction(this.dataSource, districtId, async (m) => {
      if (!(await this.store.claimWeek(m, districtId, isoWeek, now))) return null;
      const facts = await this.store.studentWeekFacts(m, districtId, { isoWeek, monday: range.from, sunday: range.to });
      // Thrown to roll the claim back.
      if (opts.requireEnrolments && facts.length === 0) throw new NoEnrolmentYet();
      const judged = facts
        .map(judgeStudentWeek)
        .filter((j): j is StudentWeekJudgement => j !== null)
        .map((j): JudgementToRecord => ({
          ...j,
          eventId: j.below ? deterministicUuid(dosageEventKey(districtId, j.studentId, isoWeek)) : null,
        }));
      const messages = judged
        .filter((j) => j.eventId !== null)
        .map((j): OutboxMessage => this.message(districtId, isoWeek, j, now));
      await this.store.recordJudgements(m, districtId, isoWeek, judged, now);
      // One INSERT per chunk: a large district's week must stay under Postgres' 65,535 bind parameters.
      for (let i = 0; i < messages.length; i += OUTBOX_CHUNK) {
        await enqueueOutbox(m, this.store.schema, messages.slice(i, i + OUTBOX_CHUNK));
      }
      this.opts.logger?.info(
        { districtId, isoWeek, studentsJudged: judged.length, warnings: messages.length },
        'dosage week closed',
      );
      return { districtId, isoWeek, studentsJudged: judged.length, warnings: messages.length };
    });
  }

  private message(districtId: string, isoWeek: string, j: JudgementToRecord, now: Date): OutboxMessage {
    const data: DosageBelowTargetV1 = {
      districtId,
      studentId: j.studentId,
      schoolId: j.schoolId,
      programId: j.programId,
      isoWeek,
      attendedMinutes: j.attendedMinutes,
      targetMinutes: j.targetMinutes,
      consecutiveWeeks: j.consecutiveWeeks,
    };
    const valid = validateInternalEvent(DOSAGE_BELOW_TARGET_V1, data);
    if (!valid.ok) throw new Error(`dosage event fails its own schema: ${JSON.stringify(valid.errors)}`);
    return {
      topic: DOSAGE_TOPIC,
      key: j.studentId,
      event: {
        specversion: '1.0',
        id: j.eventId as string,
        source: SOURCE,
        type: DOSAGE_BELOW_TARGET_V1,
        time: now.toISOString(),
        subject: j.studentId,
        datacontenttype: 'application/json',
        districtid: districtId,
        data,
      },
    };
  }

  /** Visits every `intervalMs` until `stop()`; a failed visit is logged and retried at the next one. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.runOnce();
        } catch (error) {
          this.opts.logger?.warn({ err: String(error) }, 'dosage warnings visit failed');
        }
        if (!this.running) break;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, this.opts.intervalMs);
        });
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
  }
}

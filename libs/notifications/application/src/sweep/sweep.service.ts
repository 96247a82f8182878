import type { DataSource, EntityManager } from 'typeorm';
import {
  address,
  AddressContext,
  Decisions,
  familySummary,
  missingSessionReports,
  render,
  renderDigest,
  teacherDigest,
  weekToReport,
} from '@tutoring/notifications/domain';
import {
  DeliveryStore,
  DirectoryStore,
  DueNotification,
  ReadModelStore,
  toRecipientChannel,
} from '@tutoring/notifications/infrastructure';
import type { MessagingLogger } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';

export interface SweepResult {
  decided: number;
  deliveries: number;
}

const merge = (into: Decisions, more: Decisions): void => {
  into.decisions.push(...more.decisions);
  into.skipped.push(...more.skipped);
};

/**
 * The clock-driven half of the rules, run per district with `now` passed in: missing session reports, weekly family
 * summaries and teacher digests (each keyed so that running the sweep again decides nothing new), then batching:
 * due notifications of one recipient and channel become one delivery (digests rather than floods).
 */
export class SweepService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModels: ReadModelStore,
    private readonly directory: DirectoryStore,
    private readonly deliveries: DeliveryStore,
    private readonly logger: MessagingLogger,
  ) {}

  async tenants(): Promise<string[]> {
    return this.readModels.tenants(this.dataSource.manager);
  }

  async sweepAll(now: Date): Promise<SweepResult> {
    const total: SweepResult = { decided: 0, deliveries: 0 };
    for (const districtId of await this.tenants()) {
      const r = await this.sweep(districtId, now);
      total.decided += r.decided;
      total.deliveries += r.deliveries;
    }
    return total;
  }

  async sweep(districtId: string, now: Date): Promise<SweepResult> {
    const decided = await inTenantTransaction(this.dataSource, districtId, async (m) => {
      // During a rebuild the read models are half built (an occurrence may be back before its session): no decisions.
      if (await this.readModels.rebuilding(m)) return 0;
      const ctx: AddressContext = {
        settings: await this.directory.settings(m, districtId),
        now,
        districtZone: (await this.readModels.timeZone(m, districtId)) ?? 'UTC',
      };
      const all: Decisions = { decisions: [], skipped: [] };
      merge(all, await this.missingReports(m, ctx));
      merge(all, await this.familySummaries(m, ctx));
      merge(all, await this.teacherDigests(m, ctx));
      return (await this.deliveries.saveDecisions(m, districtId, all)).length;
    });
    const deliveries = await inTenantTransaction(this.dataSource, districtId, (m) => this.batch(m, districtId, now));
    if (decided || deliveries) this.logger.info({ districtId, decided, deliveries }, 'sweep');
    return { decided, deliveries };
  }

  /** Batching alone (cheap): run on every dispatch tick so event-driven notifications go out within seconds. */
  async batchAll(now: Date): Promise<number> {
    let created = 0;
    for (const districtId of await this.tenants())
      created += await inTenantTransaction(this.dataSource, districtId, (m) => this.batch(m, districtId, now));
    return created;
  }

  private async missingReports(m: EntityManager, ctx: AddressContext): Promise<Decisions> {
    const { graceHours, lookbackDays } = ctx.settings.missingSession;
    const occurrences = await this.readModels.occurrencesEndedBetween(
      m,
      new Date(ctx.now.getTime() - lookbackDays * 86_400_000),
      new Date(ctx.now.getTime() - graceHours * 3_600_000),
    );
    const byOccurrence = new Map(occurrences.map((o) => [o.occurrenceId, o]));
    const out: Decisions = { decisions: [], skipped: [] };
    for (const payload of missingSessionReports(occurrences, ctx.now, ctx.settings)) {
      const vendorId = byOccurrence.get(payload.occurrenceId)?.vendorId ?? null;
      // The vendor of that occurrence only: its own planned sessions, never another vendor's.
      const recipients = (await this.directory.holders(m, 'vendor_contact', [vendorId])).map(toRecipientChannel);
      merge(out, address('missing_session_report', `missing:${payload.occurrenceId}`, payload, recipients, ctx));
    }
    return out;
  }

  private async familySummaries(m: EntityManager, ctx: AddressContext): Promise<Decisions> {
    const out: Decisions = { decisions: [], skipped: [] };
    if (!ctx.settings.rules.family_weekly_summary.enabled) return out;
    const week = weekToReport(ctx.now, ctx.districtZone, ctx.settings.weekly.delayHours);
    const done = await this.deliveries.decidedSourceKeys(m, 'family_weekly_summary', `:${week.isoWeek}`);
    for (const family of await this.readModels.enrolledFamilies(m)) {
      const key = `family:${family.enrolmentId}:${week.isoWeek}`;
      if (done.has(key)) continue;
      const channels = (await this.directory.holders(m, 'family', [family.enrolmentId])).map(toRecipientChannel);
      // The family's preferred channel from enrollment; 'none' is an opt-out of every family message.
      const preferred = channels
        .filter((c) => c.channel === family.channel || c.channel === 'inbox')
        .map((c) => (family.channel === 'none' ? { ...c, optedOutRules: ['*'] } : c));
      if (preferred.length === 0) continue;
      const { lines, notes } = await this.readModels.weekOf(m, [family.studentId], week.from, week.to);
      merge(
        out,
        address(
          'family_weekly_summary',
          key,
          familySummary(family.studentId, week.isoWeek, lines, notes),
          preferred,
          ctx,
          family.language,
        ),
      );
    }
    return out;
  }

  private async teacherDigests(m: EntityManager, ctx: AddressContext): Promise<Decisions> {
    const out: Decisions = { decisions: [], skipped: [] };
    if (!ctx.settings.rules.teacher_digest.enabled) return out;
    const week = weekToReport(ctx.now, ctx.districtZone, ctx.settings.weekly.delayHours);
    const done = await this.deliveries.decidedSourceKeys(m, 'teacher_digest', `:${week.isoWeek}`);
    for (const { teacherId, studentIds } of await this.directory.teachersWithStudents(m)) {
      const key = `teacher:${teacherId}:${week.isoWeek}`;
      if (done.has(key)) continue;
      const { notes } = await this.readModels.weekOf(m, studentIds, week.from, week.to);
      const payload = teacherDigest(studentIds, week.isoWeek, notes);
      if (!payload) continue;
      merge(
        out,
        address(
          'teacher_digest',
          key,
          payload,
          (await this.directory.recipient(m, teacherId)).map(toRecipientChannel),
          ctx,
        ),
      );
    }
    return out;
  }

  /** Due notifications → one rendered delivery per recipient and channel. Opt-outs are checked again here. */
  private async batch(m: EntityManager, districtId: string, now: Date): Promise<number> {
    const due = await this.deliveries.dueNotifications(m, now, 1000);
    const groups = new Map<string, DueNotification[]>();
    for (const n of due) {
      const key = `${n.recipientId}\u001f${n.channel}`;
      groups.set(key, [...(groups.get(key) ?? []), n]);
    }
    let created = 0;
    for (const group of groups.values()) {
      const first = group[0];
      if (!first) continue;
      const entry = await this.directory.addressOf(m, first.recipientId, first.channel);
      const optedOut = (n: DueNotification) =>
        !entry || entry.optedOutRules.includes(n.rule) || entry.optedOutRules.includes('*');
      const suppressed = group.filter(optedOut);
      const sendable = group.filter((n) => !optedOut(n));
      if (suppressed.length) {
        const reason = entry ? 'opted_out_after_decision' : 'no_address';
        await this.deliveries.createDelivery(
          m,
          districtId,
          {
            recipientId: first.recipientId,
            channel: first.channel,
            address: '',
            language: first.language,
            subject: '',
            body: '',
            notificationIds: suppressed.map((n) => n.notificationId),
            status: 'suppressed',
            error: reason,
          },
          now,
        );
      }
      if (!entry || sendable.length === 0) continue;
      const message = renderDigest(
        first.language,
        sendable.map((n) => render(n.rule, n.language, n.payload)),
      );
      await this.deliveries.createDelivery(
        m,
        districtId,
        {
          recipientId: first.recipientId,
          channel: first.channel,
          address: entry.address,
          language: first.language,
          subject: message.subject,
          body: message.text,
          notificationIds: sendable.map((n) => n.notificationId),
          status: 'pending',
        },
        now,
      );
      created++;
    }
    return created;
  }
}

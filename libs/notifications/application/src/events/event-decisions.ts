import type { EntityManager } from 'typeorm';
import {
  address,
  AddressContext,
  Decisions,
  dosageAlert,
  payoutStatementIssued,
  RecipientChannel,
  sessionExceptions,
} from '@tutoring/notifications/domain';
import {
  DeliveryStore,
  DirectoryStore,
  ReadModelStore,
  RecipientRole,
  toRecipientChannel,
} from '@tutoring/notifications/infrastructure';
import {
  DISTRICT_CONFIGURED_V1,
  DistrictConfiguredV1,
  DOSAGE_BELOW_TARGET_V1,
  DosageBelowTargetV1,
  ENROLMENT_CHANGED_V1,
  EnrolmentChangedV1,
  LEDGER_SESSION_RECORDED_V1,
  LedgerSessionRecordedV1,
  OCCURRENCE_CANCELLED_V1,
  OCCURRENCE_PLANNED_V1,
  OccurrenceCancelledV1,
  OccurrencePlannedV1,
  PROGRAM_DEFINED_V1,
  ProgramDefinedV1,
  STATEMENT_ISSUED_V1,
  StatementIssuedV1,
  STUDENT_ROSTERED_V1,
  StudentRosteredV1,
} from '@tutoring/shared/contracts';
import type { InputType } from './event-inputs';

export type Mode = 'live' | 'replay';

const EMPTY: Decisions = { decisions: [], skipped: [] };

/**
 * Applies one validated event to the read models and, when live, decides the notifications it causes. Runs in the
 * district's tenant transaction that also records the event as processed: all of it commits, or none. In replay
 * mode (read-model rebuild) nothing is decided, so a rebuild can never notify anybody.
 */
export class EventDecisions {
  constructor(
    private readonly readModels: ReadModelStore,
    private readonly directory: DirectoryStore,
    private readonly deliveries: DeliveryStore,
  ) {}

  async handle(
    m: EntityManager,
    type: InputType,
    data: Record<string, unknown>,
    districtId: string,
    mode: Mode,
    now: Date,
  ): Promise<number> {
    const decisions = await this.apply(m, type, data, districtId, mode, now);
    if (mode === 'replay') return 0;
    return (await this.deliveries.saveDecisions(m, districtId, decisions)).length;
  }

  private async context(m: EntityManager, districtId: string, now: Date): Promise<AddressContext> {
    return {
      settings: await this.directory.settings(m, districtId),
      now,
      districtZone: (await this.readModels.timeZone(m, districtId)) ?? 'UTC',
    };
  }

  private async holders(m: EntityManager, role: RecipientRole, keys: (string | null)[]): Promise<RecipientChannel[]> {
    return (await this.directory.holders(m, role, keys)).map(toRecipientChannel);
  }

  private async apply(
    m: EntityManager,
    type: InputType,
    data: Record<string, unknown>,
    districtId: string,
    mode: Mode,
    now: Date,
  ): Promise<Decisions> {
    const live = mode === 'live';
    switch (type) {
      case DISTRICT_CONFIGURED_V1:
        await this.readModels.district(m, data as unknown as DistrictConfiguredV1);
        return EMPTY;
      case PROGRAM_DEFINED_V1:
        await this.readModels.program(m, data as unknown as ProgramDefinedV1);
        return EMPTY;
      case STUDENT_ROSTERED_V1:
        await this.readModels.student(m, data as unknown as StudentRosteredV1);
        return EMPTY;
      case ENROLMENT_CHANGED_V1:
        await this.readModels.enrolment(m, data as unknown as EnrolmentChangedV1);
        return EMPTY;
      case OCCURRENCE_PLANNED_V1:
        await this.readModels.occurrencePlanned(m, data as unknown as OccurrencePlannedV1);
        return EMPTY;
      case OCCURRENCE_CANCELLED_V1:
        await this.readModels.occurrenceCancelled(m, data as unknown as OccurrenceCancelledV1);
        return EMPTY;
      case LEDGER_SESSION_RECORDED_V1: {
        const s = data as unknown as LedgerSessionRecordedV1;
        await this.readModels.session(m, s);
        const payload = live ? sessionExceptions(s) : null;
        if (!payload) return EMPTY;
        // Only the vendor that reported the session is told: recipients are looked up by the event's own vendorId.
        const key = `exceptions:${s.vendorId}:${s.sessionId}:${s.streamVersion}`;
        return address(
          'session_exceptions',
          key,
          payload,
          await this.holders(m, 'vendor_contact', [s.vendorId]),
          await this.context(m, districtId, now),
        );
      }
      case DOSAGE_BELOW_TARGET_V1: {
        if (!live) return EMPTY;
        const d = data as unknown as DosageBelowTargetV1;
        const ctx = await this.context(m, districtId, now);
        const payload = dosageAlert(d, await this.readModels.programName(m, d.programId), ctx.settings);
        if (!payload) return EMPTY;
        const school = d.schoolId ?? (await this.readModels.schoolOf(m, d.studentId));
        const recipients = [
          ...(await this.holders(m, 'site_lead', [school])),
          ...(await this.holders(m, 'program_manager', [d.programId])),
        ];
        return address('dosage_below_target', `dosage:${d.studentId}:${d.isoWeek}`, payload, recipients, ctx);
      }
      case STATEMENT_ISSUED_V1: {
        if (!live) return EMPTY;
        const s = data as unknown as StatementIssuedV1;
        const recipients = await this.holders(m, 'finance_approver', ['*']);
        return address(
          'payout_statement_issued',
          `statement:${s.statementId}`,
          payoutStatementIssued(s),
          recipients,
          await this.context(m, districtId, now),
        );
      }
    }
  }
}

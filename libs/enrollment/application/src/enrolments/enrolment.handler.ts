import { randomUUID } from 'node:crypto';
import {
  EnrolmentRuleViolation,
  type ContactPreferences,
  type EnrolmentCommand,
  type ProgramTerms,
} from '@tutoring/enrollment/domain';
import { NotFound, PostgresEnrolmentStore, PostgresOrganisationStore } from '@tutoring/enrollment/infrastructure';

export type LifecycleStep =
  | { type: 'InviteFamily' }
  | { type: 'RecordConsent'; decision: 'granted' | 'refused' | 'not_opted_out' | 'opted_out'; date: string }
  | { type: 'EnrolStudent'; vendorId: string; startDate: string }
  | { type: 'WithdrawStudent' | 'ExitStudent'; date: string; reason: string }
  | { type: 'SetContactPreferences'; contactPreferences: ContactPreferences };

/** Consent and enrolment use cases: load the program's terms, build the command, let the decider rule. */
export class EnrolmentHandler {
  constructor(
    private readonly enrolments: PostgresEnrolmentStore,
    private readonly organisation: PostgresOrganisationStore,
    /** Makes sure the vendor's assignments topic exists before an event is queued for it. */
    private readonly ensureVendorTopic: (vendorId: string) => Promise<void> = async () => undefined,
    private readonly clock: () => Date = () => new Date(),
    private readonly newId: () => string = randomUUID,
  ) {}

  private async terms(districtId: string, programId: string): Promise<ProgramTerms> {
    const p = await this.organisation.getProgram(districtId, programId);
    if (!p) throw new NotFound(`program ${programId} not found`);
    return {
      programId: p.programId,
      consentMode: p.consentMode,
      vendorIds: p.vendorIds,
      startDate: p.startDate,
      endDate: p.endDate,
    };
  }

  async identify(districtId: string, programId: string, studentId: string, contactPreferences?: ContactPreferences) {
    const program = await this.terms(districtId, programId);
    const enrolmentId = (await this.enrolments.enrolmentIdFor(districtId, studentId, programId)) ?? this.newId();
    const at = this.clock();
    return this.enrolments.execute(
      districtId,
      enrolmentId,
      async (_state, m) => {
        const student = await this.enrolments.student(m, studentId);
        if (!student) throw new NotFound(`student ${studentId} not found`);
        if (!student.active || student.erased)
          throw new EnrolmentRuleViolation('student_inactive', 'the student is not on the active roster');
        return {
          type: 'IdentifyStudent',
          data: {
            enrolmentId,
            studentId,
            schoolId: student.schoolId,
            program,
            contactPreferences,
            at: at.toISOString(),
          },
        };
      },
      { now: at, newId: this.newId },
    );
  }

  async step(districtId: string, enrolmentId: string, step: LifecycleStep) {
    const current = await this.enrolments.get(districtId, enrolmentId);
    if (!current) throw new NotFound(`enrolment ${enrolmentId} not found`);
    const now = this.clock();
    const at = now.toISOString();
    const command = async (): Promise<EnrolmentCommand> => {
      switch (step.type) {
        case 'InviteFamily':
          return { type: 'InviteFamily', data: { at } };
        case 'RecordConsent':
          return { type: 'RecordConsent', data: { decision: step.decision, date: step.date, at } };
        case 'EnrolStudent':
          return {
            type: 'EnrolStudent',
            data: {
              vendorId: step.vendorId,
              startDate: step.startDate,
              program: await this.terms(districtId, current.programId),
              at,
            },
          };
        case 'WithdrawStudent':
        case 'ExitStudent':
          return { type: step.type, data: { date: step.date, reason: step.reason, at } };
        case 'SetContactPreferences':
          return { type: 'SetContactPreferences', data: { contactPreferences: step.contactPreferences, at } };
      }
    };
    const built = await command();
    if (built.type === 'EnrolStudent') await this.ensureVendorTopic(built.data.vendorId);
    return this.enrolments.execute(districtId, enrolmentId, () => built, { now, newId: this.newId });
  }
}

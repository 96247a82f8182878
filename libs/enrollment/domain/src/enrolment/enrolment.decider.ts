/**
 * One student's enrolment in one program: identified → invited → consented (opt-in: the family said yes; opt-out:
 * the family was notified and did not object) → enrolled (vendor, start date) → withdrawn or exited, with reasons
 * and dates. Consent can be withdrawn at any time before exit (a refusal or an opt-out ends the enrolment).
 * Pure: ids, dates and time come in with the command.
 */
import type { ConsentMode } from './consent';
import { isLocalDate } from '../organisation/local-date';

export type EnrolmentStatus = 'identified' | 'invited' | 'consented' | 'enrolled' | 'withdrawn' | 'exited';
export type ConsentState = 'pending' | 'granted' | 'refused' | 'not_opted_out' | 'opted_out';
export type ContactChannel = 'email' | 'sms' | 'none';
export interface ContactPreferences {
  language: string;
  channel: ContactChannel;
}

export interface ProgramTerms {
  programId: string;
  consentMode: ConsentMode;
  vendorIds: readonly string[];
  startDate: string;
  endDate: string;
}

export type EnrolmentCommand =
  | {
      type: 'IdentifyStudent';
      data: {
        enrolmentId: string;
        studentId: string;
        schoolId: string;
        program: ProgramTerms;
        contactPreferences?: ContactPreferences;
        at: string;
      };
    }
  | { type: 'InviteFamily'; data: { at: string } }
  | {
      type: 'RecordConsent';
      data: { decision: 'granted' | 'refused' | 'not_opted_out' | 'opted_out'; date: string; at: string };
    }
  | { type: 'EnrolStudent'; data: { vendorId: string; startDate: string; program: ProgramTerms; at: string } }
  | { type: 'WithdrawStudent'; data: { date: string; reason: string; at: string } }
  | { type: 'ExitStudent'; data: { date: string; reason: string; at: string } }
  | { type: 'SetContactPreferences'; data: { contactPreferences: ContactPreferences; at: string } }
  /**
   * The roster changed the student: a new school or grade is recorded on every open enrolment (and re-sent to the
   * serving vendor); a student who left the roster (inactive) is withdrawn, reason `left_roster`, on `date`.
   */
  | { type: 'ApplyRosterChange'; data: { schoolId: string; grade: string; active: boolean; date: string; at: string } };

/** Why an enrolment ends when the roster no longer lists the student as active. */
export const LEFT_ROSTER = 'left_roster';

export type EnrolmentEvent =
  | {
      type: 'StudentIdentified';
      data: {
        enrolmentId: string;
        studentId: string;
        schoolId: string;
        programId: string;
        consentMode: ConsentMode;
        contactPreferences: ContactPreferences;
        at: string;
      };
    }
  | { type: 'FamilyInvited'; data: { at: string } }
  | { type: 'ConsentRecorded'; data: { consent: ConsentState; date: string; at: string } }
  | { type: 'StudentEnrolled'; data: { vendorId: string; startDate: string; at: string } }
  | { type: 'EnrolmentEnded'; data: { status: 'withdrawn' | 'exited'; date: string; reason: string; at: string } }
  | { type: 'ContactPreferencesSet'; data: { contactPreferences: ContactPreferences; at: string } }
  | { type: 'StudentPlacementChanged'; data: { schoolId: string; grade: string; at: string } };

export interface Enrolment {
  enrolmentId: string;
  studentId: string;
  schoolId: string;
  programId: string;
  consentMode: ConsentMode;
  vendorId: string | null;
  status: EnrolmentStatus;
  consent: ConsentState;
  startDate: string | null;
  endDate: string | null;
  reason: string | null;
  contactPreferences: ContactPreferences;
  changedAt: string;
  /** The grade last recorded by a roster change (absent until the first one: the student's grade then). */
  grade?: string;
}

export type EnrolmentState = { status: 'none' } | Enrolment;

export const initialEnrolmentState: EnrolmentState = { status: 'none' };

export class EnrolmentRuleViolation extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const fail = (code: string, message: string): never => {
  throw new EnrolmentRuleViolation(code, message);
};

const DEFAULT_CONTACT: ContactPreferences = { language: 'en', channel: 'email' };
const ENDED: readonly EnrolmentStatus[] = ['withdrawn', 'exited'];
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

const existing = (state: EnrolmentState): Enrolment =>
  state.status === 'none' ? fail('not_found', 'no such enrolment') : state;
const open = (state: EnrolmentState): Enrolment => {
  const e = existing(state);
  return ENDED.includes(e.status) ? fail('ended', `the enrolment is ${e.status}`) : e;
};
const checkDate = (date: string, name: string) =>
  isLocalDate(date) ? date : fail('invalid_date', `${name} must be a date YYYY-MM-DD`);
const checkContact = (c: ContactPreferences): ContactPreferences =>
  LANGUAGE.test(c.language) ? c : fail('invalid_language', 'language must be a BCP 47 tag such as en, es or zh-Hant');

export const decideEnrolment = (command: EnrolmentCommand, state: EnrolmentState): EnrolmentEvent[] => {
  switch (command.type) {
    case 'IdentifyStudent': {
      if (state.status !== 'none') fail('already_identified', 'the student is already identified for this program');
      const d = command.data;
      const contactPreferences = checkContact(d.contactPreferences ?? DEFAULT_CONTACT);
      const { programId, consentMode } = d.program;
      return [
        {
          type: 'StudentIdentified',
          data: {
            enrolmentId: d.enrolmentId,
            studentId: d.studentId,
            schoolId: d.schoolId,
            programId,
            consentMode,
            contactPreferences,
            at: d.at,
          },
        },
      ];
    }
    case 'InviteFamily': {
      const e = open(state);
      if (e.status !== 'identified') fail('invalid_transition', `cannot invite from ${e.status}`);
      return [{ type: 'FamilyInvited', data: { at: command.data.at } }];
    }
    case 'RecordConsent': {
      const e = open(state);
      const { decision, date, at } = command.data;
      checkDate(date, 'date');
      const allowed = e.consentMode === 'opt_in' ? ['granted', 'refused'] : ['not_opted_out', 'opted_out'];
      if (!allowed.includes(decision))
        fail('wrong_consent_mode', `a ${e.consentMode} program records ${allowed.join(' or ')}`);
      if (e.status === 'identified')
        fail('not_invited', 'the family must be invited (notified) before consent is recorded');
      const positive = decision === 'granted' || decision === 'not_opted_out';
      if (positive && e.status !== 'invited') fail('invalid_transition', `consent is already recorded (${e.status})`);
      const events: EnrolmentEvent[] = [{ type: 'ConsentRecorded', data: { consent: decision, date, at } }];
      if (!positive) {
        const end = e.startDate && date < e.startDate ? e.startDate : date;
        events.push({
          type: 'EnrolmentEnded',
          data: {
            status: 'withdrawn',
            date: end,
            reason: decision === 'refused' ? 'consent_refused' : 'opted_out',
            at,
          },
        });
      }
      return events;
    }
    case 'EnrolStudent': {
      const e = open(state);
      const { vendorId, startDate, program, at } = command.data;
      if (e.status !== 'consented') fail('no_consent', `only a consented student can be enrolled (status ${e.status})`);
      checkDate(startDate, 'startDate');
      if (!program.vendorIds.includes(vendorId))
        fail('vendor_not_in_program', 'the vendor does not serve this program');
      if (startDate < program.startDate || startDate > program.endDate)
        fail('outside_program', 'startDate is outside the program dates');
      return [{ type: 'StudentEnrolled', data: { vendorId, startDate, at } }];
    }
    case 'WithdrawStudent':
    case 'ExitStudent': {
      const e = open(state);
      const { date, reason, at } = command.data;
      checkDate(date, 'date');
      if (!reason.trim()) fail('reason_required', 'say why');
      if (command.type === 'ExitStudent' && e.status !== 'enrolled')
        fail('invalid_transition', 'only an enrolled student exits; withdraw otherwise');
      if (e.startDate && date < e.startDate) fail('before_start', 'the end date is before the start date');
      return [
        {
          type: 'EnrolmentEnded',
          data: { status: command.type === 'ExitStudent' ? 'exited' : 'withdrawn', date, reason: reason.trim(), at },
        },
      ];
    }
    case 'SetContactPreferences': {
      const e = open(state);
      const contactPreferences = checkContact(command.data.contactPreferences);
      if (JSON.stringify(contactPreferences) === JSON.stringify(e.contactPreferences)) return [];
      return [{ type: 'ContactPreferencesSet', data: { contactPreferences, at: command.data.at } }];
    }
    case 'ApplyRosterChange': {
      if (state.status === 'none' || ENDED.includes(state.status)) return [];
      const { schoolId, grade, active, date, at } = command.data;
      checkDate(date, 'date');
      if (!active) return [{ type: 'EnrolmentEnded', data: { status: 'withdrawn', date, reason: LEFT_ROSTER, at } }];
      if (schoolId === state.schoolId && grade === state.grade) return [];
      return [{ type: 'StudentPlacementChanged', data: { schoolId, grade, at } }];
    }
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown command ${JSON.stringify(_exhaustive)}`);
    }
  }
};

export const evolveEnrolment = (state: EnrolmentState, event: EnrolmentEvent): EnrolmentState => {
  if (event.type === 'StudentIdentified') {
    const d = event.data;
    return {
      enrolmentId: d.enrolmentId,
      studentId: d.studentId,
      schoolId: d.schoolId,
      programId: d.programId,
      consentMode: d.consentMode,
      vendorId: null,
      status: 'identified',
      consent: 'pending',
      startDate: null,
      endDate: null,
      reason: null,
      contactPreferences: d.contactPreferences,
      changedAt: d.at,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'FamilyInvited':
      return { ...state, status: 'invited', changedAt: event.data.at };
    case 'ConsentRecorded': {
      const positive = event.data.consent === 'granted' || event.data.consent === 'not_opted_out';
      return {
        ...state,
        consent: event.data.consent,
        status: positive ? 'consented' : state.status,
        changedAt: event.data.at,
      };
    }
    case 'StudentEnrolled':
      return {
        ...state,
        status: 'enrolled',
        vendorId: event.data.vendorId,
        startDate: event.data.startDate,
        changedAt: event.data.at,
      };
    case 'EnrolmentEnded':
      return {
        ...state,
        status: event.data.status,
        endDate: state.startDate ? event.data.date : null,
        reason: event.data.reason,
        changedAt: event.data.at,
      };
    case 'ContactPreferencesSet':
      return { ...state, contactPreferences: event.data.contactPreferences, changedAt: event.data.at };
    case 'StudentPlacementChanged':
      return { ...state, schoolId: event.data.schoolId, grade: event.data.grade, changedAt: event.data.at };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};

/** Served and billable on `date`: enrolled (or ended later), consent in force. */
export const isServedOn = (e: Enrolment, date: string): boolean =>
  e.startDate !== null &&
  date >= e.startDate &&
  (e.endDate === null || date <= e.endDate) &&
  (e.consent === 'granted' || e.consent === 'not_opted_out');

import fc from 'fast-check';
import {
  decideEnrolment as decide,
  evolveEnrolment as evolve,
  initialEnrolmentState,
  isServedOn,
  type Enrolment,
  type EnrolmentCommand,
  type EnrolmentEvent,
  type EnrolmentState,
  type ProgramTerms,
} from './enrolment.decider';

const at = '2026-09-01T12:00:00Z';
const program = (consentMode: 'opt_in' | 'opt_out' = 'opt_in'): ProgramTerms => ({
  programId: 'p-1',
  consentMode,
  vendorIds: ['v-1'],
  startDate: '2026-09-08',
  endDate: '2027-05-28',
});
const identify = (consentMode: 'opt_in' | 'opt_out' = 'opt_in'): EnrolmentCommand => ({
  type: 'IdentifyStudent',
  data: { enrolmentId: 'e-1', studentId: 's-1', schoolId: 'sc-1', program: program(consentMode), at },
});
const invite: EnrolmentCommand = { type: 'InviteFamily', data: { at } };
const consent = (
  decision: 'granted' | 'refused' | 'not_opted_out' | 'opted_out',
  date = '2026-09-02',
): EnrolmentCommand => ({
  type: 'RecordConsent',
  data: { decision, date, at },
});
const enrol = (
  vendorId = 'v-1',
  startDate = '2026-09-14',
  consentMode: 'opt_in' | 'opt_out' = 'opt_in',
): EnrolmentCommand => ({
  type: 'EnrolStudent',
  data: { vendorId, startDate, program: program(consentMode), at },
});

/** given(commands) when(command) then(events | error): history is built through decide, as in production. */
const given = (...commands: EnrolmentCommand[]) => {
  const state = commands.reduce<EnrolmentState>((s, c) => decide(c, s).reduce(evolve, s), initialEnrolmentState);
  return {
    when: (command: EnrolmentCommand) => ({
      then: (expected: Partial<EnrolmentEvent>[]) =>
        expect(decide(command, state)).toEqual(expected.map((e) => expect.objectContaining(e))),
      thenRefused: (code: string) => expect(() => decide(command, state)).toThrow(expect.objectContaining({ code })),
      thenState: (expected: Partial<Enrolment>) =>
        expect(decide(command, state).reduce(evolve, state)).toMatchObject(expected),
    }),
  };
};

const rosterChange = (
  change: Partial<{ schoolId: string; grade: string; active: boolean; date: string }> = {},
): EnrolmentCommand => ({
  type: 'ApplyRosterChange',
  data: { schoolId: 'sc-1', grade: '7', active: true, date: '2026-10-05', ...change, at },
});

describe('enrolment: roster changes (grade, school, leaving the roster)', () => {
  const enrolled = [identify(), invite, consent('granted'), enrol()] as const;

  it('records a new school and grade on an open enrolment (the vendor is re-sent the snapshot)', () => {
    given(...enrolled)
      .when(rosterChange({ schoolId: 'sc-2', grade: '8' }))
      .then([{ type: 'StudentPlacementChanged', data: { schoolId: 'sc-2', grade: '8', at } }]);
    given(...enrolled)
      .when(rosterChange({ schoolId: 'sc-2', grade: '8' }))
      .thenState({ status: 'enrolled', schoolId: 'sc-2', grade: '8', vendorId: 'v-1' });
  });

  it('is idempotent: the same placement again changes nothing', () =>
    given(...enrolled, rosterChange({ grade: '8' }))
      .when(rosterChange({ grade: '8' }))
      .then([]));

  it('withdraws an enrolled student who left the roster, reason left_roster, on the date given', () =>
    given(...enrolled)
      .when(rosterChange({ active: false, date: '2026-10-05' }))
      .thenState({ status: 'withdrawn', reason: 'left_roster', endDate: '2026-10-05', vendorId: 'v-1' }));

  it('a student who leaves before their start date is never served', () => {
    const state = [...enrolled, rosterChange({ active: false, date: '2026-09-10' })].reduce<EnrolmentState>(
      (s, c) => decide(c, s).reduce(evolve, s),
      initialEnrolmentState,
    ) as Enrolment;
    expect(state.status).toBe('withdrawn');
    for (const d of ['2026-09-10', '2026-09-14', '2026-10-01']) expect(isServedOn(state, d)).toBe(false);
  });

  it('leaves ended enrolments alone, and withdraws one not yet enrolled without an end date', () => {
    given(identify(), invite, consent('refused'))
      .when(rosterChange({ active: false }))
      .then([]);
    given(identify(), invite)
      .when(rosterChange({ active: false }))
      .thenState({ status: 'withdrawn', reason: 'left_roster', endDate: null });
  });

  it('refuses a malformed date', () =>
    given(...enrolled)
      .when(rosterChange({ active: false, date: '5 Oct' }))
      .thenRefused('invalid_date'));
});

describe('enrolment lifecycle decider', () => {
  it('identifies a student with default contact preferences', () =>
    given()
      .when(identify())
      .thenState({
        status: 'identified',
        consent: 'pending',
        vendorId: null,
        contactPreferences: { language: 'en', channel: 'email' },
      }));

  it('refuses identifying the same enrolment twice', () =>
    given(identify()).when(identify()).thenRefused('already_identified'));

  it('invites, then records opt-in consent', () => {
    given(identify())
      .when(invite)
      .then([{ type: 'FamilyInvited' }]);
    given(identify(), invite).when(consent('granted')).thenState({ status: 'consented', consent: 'granted' });
  });

  it('refuses consent before the family was invited', () =>
    given(identify()).when(consent('granted')).thenRefused('not_invited'));

  it('refuses an opt-out decision in an opt-in program and vice versa', () => {
    given(identify(), invite).when(consent('not_opted_out')).thenRefused('wrong_consent_mode');
    given(identify('opt_out'), invite).when(consent('granted')).thenRefused('wrong_consent_mode');
  });

  it('opt-out program: a notified family that did not object counts as consented', () =>
    given(identify('opt_out'), invite)
      .when(consent('not_opted_out'))
      .thenState({ status: 'consented', consent: 'not_opted_out' }));

  it('a refusal withdraws the student with the reason', () =>
    given(identify(), invite)
      .when(consent('refused'))
      .thenState({ status: 'withdrawn', consent: 'refused', reason: 'consent_refused', endDate: null }));

  it('enrols a consented student with a vendor of the program and a start date within the program', () => {
    given(identify(), invite, consent('granted'))
      .when(enrol())
      .thenState({ status: 'enrolled', vendorId: 'v-1', startDate: '2026-09-14' });
    given(identify(), invite, consent('granted')).when(enrol('v-other')).thenRefused('vendor_not_in_program');
    given(identify(), invite, consent('granted')).when(enrol('v-1', '2027-06-30')).thenRefused('outside_program');
    given(identify(), invite).when(enrol()).thenRefused('no_consent');
  });

  it('an opt-out while enrolled ends the enrolment on that date', () =>
    given(identify('opt_out'), invite, consent('not_opted_out'), enrol('v-1', '2026-09-14', 'opt_out'))
      .when(consent('opted_out', '2026-10-05'))
      .thenState({ status: 'withdrawn', consent: 'opted_out', endDate: '2026-10-05', reason: 'opted_out' }));

  it('exits an enrolled student with a reason and date; withdrawn and exited are final', () => {
    const exit: EnrolmentCommand = { type: 'ExitStudent', data: { date: '2027-01-15', reason: 'moved_school', at } };
    given(identify(), invite, consent('granted'), enrol())
      .when(exit)
      .thenState({ status: 'exited', endDate: '2027-01-15', reason: 'moved_school' });
    given(identify(), invite, consent('granted')).when(exit).thenRefused('invalid_transition');
    given(identify(), invite, consent('granted'), enrol(), exit).when(invite).thenRefused('ended');
    const early: EnrolmentCommand = { type: 'WithdrawStudent', data: { date: '2026-09-01', reason: 'x', at } };
    given(identify(), invite, consent('granted'), enrol()).when(early).thenRefused('before_start');
  });

  it('sets family contact preferences (language, channel), and a no-op change emits nothing', () => {
    const set: EnrolmentCommand = {
      type: 'SetContactPreferences',
      data: { contactPreferences: { language: 'es', channel: 'sms' }, at },
    };
    given(identify())
      .when(set)
      .thenState({ contactPreferences: { language: 'es', channel: 'sms' } });
    given(identify(), set).when(set).then([]);
    const bad: EnrolmentCommand = {
      type: 'SetContactPreferences',
      data: { contactPreferences: { language: 'Spanish!', channel: 'sms' }, at },
    };
    given(identify()).when(bad).thenRefused('invalid_language');
  });

  it('is served only between start and end with consent in force (property)', () => {
    const state = [identify(), invite, consent('granted'), enrol()].reduce<EnrolmentState>(
      (s, c) => decide(c, s).reduce(evolve, s),
      initialEnrolmentState,
    ) as Enrolment;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), (offset) => {
        const date = new Date(Date.UTC(2026, 7, 1) + offset * 86_400_000).toISOString().slice(0, 10);
        expect(isServedOn(state, date)).toBe(date >= '2026-09-14');
      }),
    );
  });
});

import { SESSION_CORRECTED_V1, SESSION_DELIVERED_V1, SESSION_VOIDED_V1 } from '../event-types';
import { MAX_ATTENDANCE_LINES, MAX_EVENT_BYTES, MAX_FEEDBACK_ERRORS, MAX_NOTES } from '../limits';
import {
  aSessionCorrected,
  aSessionDelivered,
  aSessionNote,
  aSessionVoided,
  anAttendanceLine,
} from '../../testing/event.builders';
import { testUuid } from '../../testing/ids';
import { validateEvent } from './validate-event';
import { validateWithDecorators } from '../dto/validate-with-decorators';
import type { FieldError } from './field-error';

type Data = Record<string, unknown>;
const session = (overrides: Data = {}): Data => ({ ...aSessionDelivered(), ...overrides });
const without = (data: object, key: string): Data =>
  Object.fromEntries(Object.entries(data).filter(([k]) => k !== key));
const lines = (n: number, minutes = 30) =>
  Array.from({ length: n }, (_, i) => anAttendanceLine({ studentId: testUuid(100 + i), minutes }));
const startAt = (endedAt: string) => ({ startedAt: '2025-03-04T10:00:00-05:00', endedAt });

const errorsOf = (type: string, data: unknown): FieldError[] => {
  const result = validateEvent(type, data);
  return result.ok ? [] : result.errors;
};

describe('session.delivered.v1 valid examples', () => {
  it.each([
    ['the builder default', session()],
    ['no notes', without(session(), 'notes')],
    ['null group and scheduled session', session({ groupId: null, scheduledSessionId: null })],
    [
      'exactly 4 hours, 240 minutes',
      session({ ...startAt('2025-03-04T14:00:00-05:00'), attendance: [anAttendanceLine({ minutes: 240 })], notes: [] }),
    ],
    [
      'minutes rounded up on a partial minute',
      session({ ...startAt('2025-03-04T10:45:30-05:00'), attendance: [anAttendanceLine({ minutes: 46 })] }),
    ],
    [
      'different offsets on start and end',
      session({
        startedAt: '2025-03-04T15:00:00Z',
        endedAt: '2025-03-04T10:30:00-05:00',
        attendance: [anAttendanceLine({ minutes: 30 })],
      }),
    ],
    ['50 attendance lines', session({ attendance: lines(MAX_ATTENDANCE_LINES), notes: [] })],
    ['absent with 0 minutes', session({ attendance: [anAttendanceLine({ status: 'absent_excused', minutes: 0 })] })],
    ['another subject code', session({ subject: 'science_8' })],
    ['sessionId with every allowed character class', session({ sessionId: 'Ab9._:-'.padEnd(128, 'x') })],
  ])('accepts %s (both validators)', (_name, data) => {
    expect(validateEvent(SESSION_DELIVERED_V1, data)).toEqual({ ok: true, value: data });
    expect(validateWithDecorators(SESSION_DELIVERED_V1, data).ok).toBe(true);
  });
});

describe('session.delivered.v1 rules: each failing example names the path and code', () => {
  const cases: Array<[string, unknown, string, string]> = [
    ['data not an object', [], '', 'type'],
    ['missing sessionId', without(session(), 'sessionId'), 'sessionId', 'required'],
    ['missing groupId (nullable but required)', without(session(), 'groupId'), 'groupId', 'required'],
    ['missing attendance', without(session(), 'attendance'), 'attendance', 'required'],
    ['extra property', session({ studentName: 'x' }), 'studentName', 'not_allowed'],
    [
      'extra property in a line',
      session({ attendance: [{ ...anAttendanceLine(), dob: '2015-01-01' }] }),
      'attendance[0].dob',
      'not_allowed',
    ],
    ['sessionId too long', session({ sessionId: 'x'.repeat(129) }), 'sessionId', 'format'],
    ['sessionId empty', session({ sessionId: '' }), 'sessionId', 'format'],
    ['sessionId with a space', session({ sessionId: 'a b' }), 'sessionId', 'format'],
    ['sessionId a number', session({ sessionId: 7 }), 'sessionId', 'type'],
    ['vendorId not a UUID', session({ vendorId: 'acme' }), 'vendorId', 'format'],
    [
      'districtId upper-case UUID',
      session({ districtId: testUuid(1).toUpperCase().replace('0000-4000', 'ABCD-4000') }),
      'districtId',
      'format',
    ],
    ['tutorId null', session({ tutorId: null }), 'tutorId', 'type'],
    ['groupId not a UUID', session({ groupId: 'g1' }), 'groupId', 'format'],
    ['subject upper case', session({ subject: 'Math' }), 'subject', 'format'],
    ['subject one letter', session({ subject: 'm' }), 'subject', 'format'],
    ['modality unknown', session({ modality: 'phone' }), 'modality', 'enum'],
    ['startedAt without offset', session({ startedAt: '2025-03-04T10:00:00' }), 'startedAt', 'format'],
    ['endedAt not a date', session({ endedAt: 'tomorrow' }), 'endedAt', 'format'],
    ['endedAt equal to startedAt', session(startAt('2025-03-04T10:00:00-05:00')), 'endedAt', 'order'],
    ['endedAt before startedAt', session(startAt('2025-03-04T09:00:00-05:00')), 'endedAt', 'order'],
    ['longer than 4 hours', session(startAt('2025-03-04T14:00:01-05:00')), 'endedAt', 'range'],
    ['no attendance line', session({ attendance: [], notes: [] }), 'attendance', 'too_short'],
    [
      '51 attendance lines',
      session({ attendance: lines(MAX_ATTENDANCE_LINES + 1), notes: [] }),
      'attendance',
      'too_long',
    ],
    ['attendance not an array', session({ attendance: anAttendanceLine() }), 'attendance', 'type'],
    ['line not an object', session({ attendance: [anAttendanceLine(), 'x'] }), 'attendance[1]', 'type'],
    [
      'studentId missing in a line',
      session({ attendance: [without(anAttendanceLine(), 'studentId')] }),
      'attendance[0].studentId',
      'required',
    ],
    [
      'status unknown',
      session({ attendance: [anAttendanceLine({ status: 'tardy' as never })] }),
      'attendance[0].status',
      'enum',
    ],
    [
      'minutes negative',
      session({ attendance: [anAttendanceLine({ minutes: -1 })] }),
      'attendance[0].minutes',
      'range',
    ],
    [
      'minutes over 240',
      session({ attendance: [anAttendanceLine({ minutes: 241 })] }),
      'attendance[0].minutes',
      'range',
    ],
    [
      'minutes fractional',
      session({ attendance: [anAttendanceLine({ minutes: 30.5 })] }),
      'attendance[0].minutes',
      'type',
    ],
    [
      'minutes a string',
      session({ attendance: [anAttendanceLine({ minutes: '30' as never })] }),
      'attendance[0].minutes',
      'type',
    ],
    [
      'minutes over the session duration',
      session({ attendance: [anAttendanceLine(), anAttendanceLine({ studentId: testUuid(9), minutes: 46 })] }),
      'attendance[1].minutes',
      'range',
    ],
    [
      'a student twice in one session',
      session({ attendance: [anAttendanceLine(), anAttendanceLine()] }),
      'attendance[1].studentId',
      'duplicate',
    ],
    ['notes null', session({ notes: null }), 'notes', 'type'],
    ['51 notes', session({ notes: Array.from({ length: MAX_NOTES + 1 }, () => aSessionNote()) }), 'notes', 'too_long'],
    [
      'comment over 500 chars',
      session({ notes: [aSessionNote({ comment: 'x'.repeat(501) })] }),
      'notes[0].comment',
      'too_long',
    ],
    [
      'progress unknown',
      session({ notes: [aSessionNote({ progress: 'great' as never })] }),
      'notes[0].progress',
      'enum',
    ],
    [
      'skill with spaces',
      session({ notes: [aSessionNote({ skill: 'adding fractions' })] }),
      'notes[0].skill',
      'format',
    ],
    [
      'note about a student not in the session',
      session({ notes: [aSessionNote({ studentId: testUuid(77) })] }),
      'notes[0].studentId',
      'unknown_student',
    ],
  ];

  it.each(cases)('%s → %p %p', (_name, data, path, code) => {
    const errors = errorsOf(SESSION_DELIVERED_V1, data);
    expect(errors).toContainEqual(expect.objectContaining({ path, code }));
    expect(validateWithDecorators(SESSION_DELIVERED_V1, data).ok).toBe(false);
  });

  it('writes messages that name the field and say why', () => {
    const [error] = errorsOf(SESSION_DELIVERED_V1, session({ attendance: [anAttendanceLine({ minutes: 241 })] }));
    expect(error).toEqual({
      path: 'attendance[0].minutes',
      code: 'range',
      message: 'attendance[0].minutes must be <= 240',
    });
  });

  it('reports all errors at once, not only the first', () => {
    const errors = errorsOf(
      SESSION_DELIVERED_V1,
      session({ subject: 'M', modality: 'x', attendance: [anAttendanceLine(), anAttendanceLine()] }),
    );
    expect(errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['subject', 'modality', 'attendance[1].studentId']),
    );
  });

  it('caps the error list so it fits in a session.rejected.v1', () => {
    const bad = Array.from({ length: MAX_ATTENDANCE_LINES }, () => ({
      studentId: 1,
      status: 2,
      minutes: 'x',
      extra: true,
    }));
    expect(errorsOf(SESSION_DELIVERED_V1, session({ attendance: bad }))).toHaveLength(MAX_FEEDBACK_ERRORS);
  });
});

describe('size', () => {
  it('the largest valid session fits in MAX_EVENT_BYTES', () => {
    const attendance = lines(MAX_ATTENDANCE_LINES, 45);
    const notes = attendance.map((line) =>
      aSessionNote({ studentId: line.studentId, skill: 'S'.repeat(64), comment: '\u00e9'.repeat(500) }),
    );
    const largest = {
      ...aSessionCorrected(),
      sessionId: 'x'.repeat(128),
      attendance,
      notes,
      reason: '\u00e9'.repeat(500),
    };
    expect(validateEvent(SESSION_CORRECTED_V1, largest).ok).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(largest))).toBeLessThan(MAX_EVENT_BYTES);
  });
});

describe('session.corrected.v1 and session.voided.v1', () => {
  it('accepts valid examples', () => {
    expect(validateEvent(SESSION_CORRECTED_V1, aSessionCorrected()).ok).toBe(true);
    expect(validateEvent(SESSION_VOIDED_V1, aSessionVoided()).ok).toBe(true);
  });

  it.each([
    [SESSION_CORRECTED_V1, without(aSessionCorrected() as unknown as Data, 'reason'), 'reason', 'required'],
    [SESSION_CORRECTED_V1, { ...aSessionCorrected(), reason: '' }, 'reason', 'too_short'],
    [SESSION_CORRECTED_V1, { ...aSessionCorrected(), reason: 'x'.repeat(501) }, 'reason', 'too_long'],
    [SESSION_CORRECTED_V1, { ...aSessionCorrected(), ...startAt('2025-03-04T09:00:00-05:00') }, 'endedAt', 'order'],
    [
      SESSION_CORRECTED_V1,
      { ...aSessionCorrected(), attendance: [anAttendanceLine(), anAttendanceLine()] },
      'attendance[1].studentId',
      'duplicate',
    ],
    [SESSION_VOIDED_V1, { ...aSessionVoided(), reason: 'x'.repeat(501) }, 'reason', 'too_long'],
    [SESSION_VOIDED_V1, { ...aSessionVoided(), attendance: [] }, 'attendance', 'not_allowed'],
    [SESSION_VOIDED_V1, without(aSessionVoided() as unknown as Data, 'vendorId'), 'vendorId', 'required'],
  ])('%s → %p %p %p', (type, data, path, code) => {
    expect(errorsOf(type, data)).toContainEqual(expect.objectContaining({ path, code }));
    expect(validateWithDecorators(type, data).ok).toBe(false);
  });
});

describe('unknown event types', () => {
  it.each(['org.tutoring.session.delivered.v2', 'delivered', ''])(
    'rejects %p with unknown_type at path type',
    (type) => {
      expect(validateEvent(type, aSessionDelivered())).toEqual({
        ok: false,
        errors: [{ path: 'type', code: 'unknown_type', message: 'type is not a known event type' }],
      });
    },
  );
});

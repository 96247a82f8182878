import { createHash } from 'node:crypto';
import { contractsTesting, validateEvent } from '@tutoring/shared/contracts';
import { parseCsvRecords, parseDatasCsv } from './datas-csv';

const { TEST_IDS } = contractsTesting;
const [ANA, BEN] = TEST_IDS.studentIds as readonly string[] as [string, string];
const ctx = {
  vendorId: TEST_IDS.vendorId,
  districtId: TEST_IDS.districtId,
  timeZone: 'America/Chicago',
  digest: (t: string) => createHash('sha256').update(t).digest('hex'),
};
const HEADER = 'student_id,session_topic,session_date,session_duration,session_ratio,tutor_id,session_start';

describe('DATAS session CSV', () => {
  it('reads quoted fields, escaped quotes and CRLF line ends', () => {
    expect(parseCsvRecords('a,"b,1","say ""hi"""\r\nc,d,e\n')).toEqual([
      ['a', 'b,1', 'say "hi"'],
      ['c', 'd', 'e'],
    ]);
  });

  it('groups the rows of one session (same tutor, date, start, topic, duration) into one valid delivered event', () => {
    const csv = [
      HEADER,
      `${ANA},Math,2026-11-03,45,1:2,${TEST_IDS.tutorId},10:00`,
      `${BEN},Math,2026-11-03,45,1:2,${TEST_IDS.tutorId},10:00`,
    ].join('\n');
    const { sessions, errors } = parseDatasCsv(csv, ctx);
    expect(errors).toEqual([]);
    expect(sessions).toHaveLength(1);
    const s = sessions[0]!;
    expect(s.lines).toEqual([2, 3]);
    expect(s.data).toMatchObject({
      subject: 'math',
      startedAt: '2026-11-03T10:00:00-06:00',
      endedAt: '2026-11-03T16:45:00.000Z',
      attendance: [
        { studentId: ANA, status: 'present', minutes: 45 },
        { studentId: BEN, status: 'present', minutes: 45 },
      ],
    });
    expect(validateEvent('org.tutoring.session.delivered.v1', s.data).ok).toBe(true);
  });

  it('derives the same sessionId and ce_id from the same rows (re-upload is a no-op), and a new ce_id from changed rows', () => {
    const one = `${HEADER}\n${ANA},math,2026-11-03,45,1:1,${TEST_IDS.tutorId},10:00`;
    const a = parseDatasCsv(one, ctx).sessions[0]!;
    const b = parseDatasCsv(`${one}\n`, ctx).sessions[0]!;
    expect([b.data.sessionId, b.eventId]).toEqual([a.data.sessionId, a.eventId]);
    expect(a.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const changed = parseDatasCsv(`${one}\n${BEN},math,2026-11-03,45,1:2,${TEST_IDS.tutorId},10:00`, ctx).sessions[0]!;
    expect(changed.data.sessionId).toBe(a.data.sessionId);
    expect(changed.eventId).not.toBe(a.eventId);
  });

  it('reports row errors with line and column, and skips only the sessions they belong to', () => {
    const csv = [
      HEADER,
      `${ANA},math,2026-13-45,45,1:1,${TEST_IDS.tutorId},10:00`,
      `${BEN},math,2026-11-03,forty,1:1,${TEST_IDS.tutorId},11:00`,
      `${ANA},math,2026-11-04,30,1:1,${TEST_IDS.tutorId},25:00`,
      `${BEN},math,2026-11-05,30,1:1,${TEST_IDS.tutorId},09:00`,
    ].join('\n');
    const { sessions, errors } = parseDatasCsv(csv, ctx);
    expect(errors.map((e) => `${e.line}:${e.column}:${e.code}`)).toEqual([
      '2:session_date:invalid_format',
      '3:session_duration:invalid_format',
      '4:session_start:invalid_format',
    ]);
    expect(sessions.map((s) => s.lines)).toEqual([[5]]);
  });

  it('refuses a file without the DATAS columns, naming each missing one on line 1', () => {
    const { errors } = parseDatasCsv('student_id,tutor_id,colour\nx,y,z', ctx);
    expect(errors.map((e) => `${e.line}:${e.column}:${e.code}`)).toEqual([
      '1:session_topic:required',
      '1:session_date:required',
      '1:session_duration:required',
      '1:session_ratio:required',
      '1:colour:unknown_column',
    ]);
  });

  it('passes content it cannot judge (a malformed tutor id) on to the contract check, like Kafka and HTTP', () => {
    const { sessions, errors } = parseDatasCsv(`${HEADER}\n${ANA},math,2026-11-03,45,1:1,not-a-uuid,10:00`, ctx);
    expect(errors).toEqual([]);
    expect(sessions[0]?.data.tutorId).toBe('not-a-uuid');
  });

  it('places a session without start time at local midnight, and cannot place any date without the district zone', () => {
    const csv = `student_id,session_topic,session_date,session_duration,session_ratio,tutor_id\n${ANA},math,2026-11-03,30,1:1,${TEST_IDS.tutorId}`;
    expect(parseDatasCsv(csv, ctx).sessions[0]?.data.startedAt).toBe('2026-11-03T00:00:00-06:00');
    expect(parseDatasCsv(csv, { ...ctx, timeZone: null }).errors.map((e) => `${e.line}:${e.column}:${e.code}`)).toEqual(
      ['2:session_date:inconsistent'],
    );
  });
});

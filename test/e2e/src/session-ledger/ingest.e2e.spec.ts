/**
 * session-ledger ingest, driven from outside as enrollment, scheduling and vendors would: reference facts on
 * enrollment's topics, session events over Kafka, HTTP (CloudEvents binding) and DATAS CSV; verdicts on the
 * vendor's feedback topic and in the HTTP answer; ledger events for other services; the read API's scoping.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Producer } from 'kafkajs';
import { Client } from 'pg';
import { DevIssuer, startDevIssuer } from '@tutoring/shared/auth';
import {
  deadLetterTopic,
  ENROLLMENT_ORGANISATION_TOPIC,
  ENROLLMENT_STUDENTS_TOPIC,
  ENROLLMENT_TUTORS_TOPIC,
  ENROLLMENT_VENDORS_TOPIC,
  LEDGER_TOPIC,
  SCHEDULING_TOPIC,
  vendorFeedbackTopic,
  vendorSessionsTopic,
} from '@tutoring/shared/contracts';
import { DEV_AUDIENCE, Stack, startStack } from '@tutoring/shared/dev-stack';
import { findFreePort } from '@tutoring/shared/local-infra';
import { encodeBinary } from '@tutoring/shared/messaging';
import {
  collectMessages,
  createTopics,
  freshDatabase,
  FreshDatabase,
  testKafkaBrokers,
  waitFor,
} from '@tutoring/shared/testing';
import {
  aSession,
  connectProducer,
  publishAsService,
  referenceEvents,
  vendorRegistrations,
  world,
} from './ledger-world';

const root = join(__dirname, '..', '..', '..', '..');
const w = world();
type FieldErr = { path: string; code: string; message: string };

describe('session-ledger ingest: Kafka, HTTP and CSV on one path', () => {
  let db: FreshDatabase;
  let issuer: DevIssuer;
  let stack: Stack;
  let producer: Producer;
  let admin: Client;
  let tokenA: string;
  let tokenB: string;
  let districtAdmin: string;
  const brokers = testKafkaBrokers();

  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${stack.get('session-ledger').url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
    });
  const feedbackOf = async (vendorId: string, count: number) =>
    (await collectMessages(brokers, vendorFeedbackTopic(vendorId), { count, timeoutMs: 60_000 })).map((m) => ({
      type: m.headers['ce_type'],
      key: m.key,
      data: JSON.parse(m.value ?? 'null') as {
        sessionId: string | null;
        eventId: string;
        errors?: FieldErr[];
        exceptions?: { studentId: string; code: string }[];
      },
    }));
  const publishSession = async (vendorId: string, key: string, data: unknown, id = randomUUID()) => {
    const { headers, value } = encodeBinary({
      specversion: '1.0',
      id,
      source: `urn:tutoring:vendor:${vendorId}`,
      type: 'org.tutoring.session.delivered.v1',
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data,
    });
    await producer.send({ topic: vendorSessionsTopic(vendorId), messages: [{ key, value, headers }] });
  };

  beforeAll(async () => {
    db = await freshDatabase('ledger_ingest');
    issuer = await startDevIssuer({ audience: DEV_AUDIENCE, port: 0, log: () => undefined });
    await createTopics(brokers, [
      ENROLLMENT_VENDORS_TOPIC,
      ENROLLMENT_ORGANISATION_TOPIC,
      ENROLLMENT_STUDENTS_TOPIC,
      ENROLLMENT_TUTORS_TOPIC,
      SCHEDULING_TOPIC,
    ]);
    stack = await startStack({
      root,
      postgresAdminUrl: db.url,
      kafkaBrokers: brokers,
      issuer,
      services: ['session-ledger'],
      ports: { 'session-ledger': await findFreePort() },
      logDir: join(root, 'tmp', 'e2e-logs', 'session-ledger-ingest'),
    });
    producer = await connectProducer(brokers);
    admin = new Client({ connectionString: db.url });
    await admin.connect();
    tokenA = await issuer.mintToken({
      sub: 'vendor-a',
      roles: ['vendor'],
      district_id: w.district,
      vendor_id: w.vendorA,
    });
    tokenB = await issuer.mintToken({
      sub: 'vendor-b',
      roles: ['vendor'],
      district_id: w.district,
      vendor_id: w.vendorB,
    });
    districtAdmin = await issuer.mintToken({ sub: 'admin', roles: ['district_admin'], district_id: w.district });

    await publishAsService(producer, w.district, [...vendorRegistrations(w), ...referenceEvents(w)]);
    // The reference facts are in (observed as the database owner: the runtime role would see nothing without a tenant).
    await waitFor(
      async () => {
        const [row] = (
          await admin.query(
            `SELECT (SELECT count(*) FROM session_ledger.vendor_topics WHERE vendor_id = ANY($2::uuid[]))::int AS vendors,
                  (SELECT count(*) FROM session_ledger.ref_enrolments WHERE district_id = $1)::int AS enrolments,
                  (SELECT count(*) FROM session_ledger.ref_tutors WHERE district_id = $1)::int AS tutors,
                  (SELECT count(*) FROM session_ledger.ref_school_days WHERE district_id = $1)::int AS days,
                  (SELECT count(*) FROM session_ledger.ref_programs WHERE district_id = $1)::int AS programs,
                  (SELECT count(*) FROM session_ledger.ref_districts WHERE district_id = $1)::int AS districts`,
            [w.district, [w.vendorA, w.vendorB]],
          )
        ).rows;
        expect(row).toEqual({ vendors: 2, enrolments: 2, tutors: 1, days: 3, programs: 1, districts: 1 });
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.end();
    await stack?.stop();
    await issuer?.stop();
    await db?.drop();
  });

  it('accepts a session with one ineligible student, with that exception, and tells other services line by line', async () => {
    await publishSession(w.vendorA, 'k-mixed', aSession(w, 'k-mixed'));
    const feedback = (await feedbackOf(w.vendorA, 1)).find((f) => f.key === 'k-mixed');
    expect(feedback?.type).toBe('org.tutoring.session.accepted.v1');
    expect(feedback?.data.exceptions).toEqual([{ studentId: w.ben, code: 'no_consent', message: expect.any(String) }]);

    // Other suites' stacks share the broker and LEDGER_TOPIC: look for this session's key.
    const ledgerEvents = await waitFor(
      async () => {
        const all = await collectMessages(brokers, LEDGER_TOPIC, { timeoutMs: 3_000 });
        expect(all.some((m) => m.key === `${w.vendorA}:k-mixed`)).toBe(true);
        return all.filter((m) => m.key === `${w.vendorA}:k-mixed`);
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    const recorded = ledgerEvents
      .map((m) => JSON.parse(m.value ?? '{}') as { sessionId: string; localDate: string; lines: unknown[] })
      .find((e) => e.sessionId === 'k-mixed');
    expect(ledgerEvents.find((m) => m.key === `${w.vendorA}:k-mixed`)?.headers['ce_type']).toBe(
      'org.tutoring.ledger.session-recorded.v1',
    );
    expect(recorded?.localDate).toBe('2026-11-03');
    expect(recorded?.lines).toEqual([
      { studentId: w.ana, status: 'present', minutes: 45, billable: true, exceptionCodes: [] },
      { studentId: w.ben, status: 'present', minutes: 45, billable: false, exceptionCodes: ['no_consent'] },
    ]);

    const history = await api(`/v1/sessions/${w.vendorA}/k-mixed/history`, tokenA);
    expect(history.status).toBe(200);
    const body = (await history.json()) as {
      items: { streamVersion: number; why: string; source: Record<string, unknown>; verdicts: unknown[] }[];
    };
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({
      streamVersion: 1,
      why: 'delivered',
      source: { channel: 'kafka', topic: vendorSessionsTopic(w.vendorA), partition: 0 },
    });

    const exceptions = (await (
      await api(`/v1/exceptions?week=2026-W45&schoolId=${w.school}`, districtAdmin)
    ).json()) as { items: { studentId: string; exceptionCodes: string[]; sessionId: string }[] };
    expect(exceptions.items).toEqual([
      expect.objectContaining({ sessionId: 'k-mixed', studentId: w.ben, exceptionCodes: ['no_consent'] }),
    ]);
    const otherWeek = (await (await api(`/v1/exceptions?week=2026-W46`, districtAdmin)).json()) as { items: unknown[] };
    expect(otherWeek.items).toEqual([]);
    const byProgram = async (programId: string) =>
      (
        (await (await api(`/v1/exceptions?programId=${programId}`, districtAdmin)).json()) as {
          items: { studentId: string }[];
        }
      ).items;
    expect((await byProgram(w.program)).map((i) => i.studentId)).toEqual([w.ben]);
    expect(await byProgram(randomUUID())).toEqual([]);
    // The read of those student records is on record.
    const { rows: audited } = await admin.query(
      `SELECT actor_sub, resource_ids FROM session_ledger.audit_log WHERE district_id = $1 AND resource_type = 'student' AND action = 'read'`,
      [w.district],
    );
    expect(audited).toEqual(Array(2).fill({ actor_sub: 'admin', resource_ids: [w.ben] }));
  });

  it('gives the same invalid event the same rejection errors via Kafka, HTTP and CSV, and dead-letters each', async () => {
    const invalid = aSession(w, 'bad-kafka', { tutorId: 'not-a-uuid' as string });
    await publishSession(w.vendorA, 'bad-kafka', invalid);

    const http = await api('/v1/ingest/events', tokenA, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': randomUUID(),
        'ce-source': `urn:tutoring:vendor:${w.vendorA}`,
        'ce-type': 'org.tutoring.session.delivered.v1',
      },
      body: JSON.stringify({ ...invalid, sessionId: 'bad-http' }),
    });
    expect(http.status).toBe(202);
    const httpResult = ((await http.json()) as { results: { status: string; errors: FieldErr[] }[] }).results;

    const csvText = [
      'student_id,session_topic,session_date,session_duration,session_ratio,tutor_id,session_start,session_id',
      `${w.ana},math,2026-11-03,45,1:2,not-a-uuid,10:00,bad-csv`,
      `${w.ben},math,2026-11-03,45,1:2,not-a-uuid,10:00,bad-csv`,
    ].join('\n');
    const csv = await api('/v1/ingest/datas-csv', tokenA, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csvText,
    });
    expect(csv.status).toBe(202);
    const csvResult = (await csv.json()) as {
      sessions: { status: string; lines: number[]; errors: FieldErr[] }[];
      rowErrors: unknown[];
    };
    expect(csvResult.rowErrors).toEqual([]);

    const feedback = await feedbackOf(w.vendorA, 4);
    const kafkaErrors = feedback.find((f) => f.key === 'bad-kafka')?.data.errors;
    expect(kafkaErrors?.map((e) => `${e.path}:${e.code}`)).toEqual(['tutorId:format']);
    expect(httpResult).toEqual([expect.objectContaining({ status: 'rejected', errors: kafkaErrors })]);
    expect(csvResult.sessions).toEqual([
      expect.objectContaining({ status: 'rejected', lines: [2, 3], errors: kafkaErrors }),
    ]);
    expect(feedback.find((f) => f.key === 'bad-http')?.data.errors).toEqual(kafkaErrors);
    expect(feedback.find((f) => f.key === 'bad-csv')?.data.errors).toEqual(kafkaErrors);

    const deadLetters = await collectMessages(brokers, deadLetterTopic(vendorSessionsTopic(w.vendorA)), {
      count: 3,
      timeoutMs: 30_000,
    });
    expect(deadLetters.map((m) => m.headers['dlq_source_channel'] ?? 'kafka').sort()).toEqual(['csv', 'http', 'kafka']);
    expect(deadLetters.every((m) => JSON.parse(m.headers['dlq_reason'] ?? '[]')[0]?.path === 'tutorId')).toBe(true);
  });

  it('accepts structured and batch HTTP events and a CSV upload; re-uploading the same CSV changes nothing', async () => {
    const structured = await api('/v1/ingest/events', tokenA, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({
        specversion: '1.0',
        id: randomUUID(),
        source: `urn:tutoring:vendor:${w.vendorA}`,
        type: 'org.tutoring.session.delivered.v1',
        data: aSession(w, 'http-1', {
          startedAt: '2026-11-04T09:00:00-06:00',
          endedAt: '2026-11-04T09:30:00-06:00',
          attendance: [{ studentId: w.ana, status: 'present', minutes: 30 }],
        }),
      }),
    });
    expect(((await structured.json()) as { results: unknown[] }).results).toEqual([
      expect.objectContaining({ status: 'accepted', sessionId: 'http-1', exceptions: [] }),
    ]);

    const batchEvent = (sessionId: string, startedAt: string, endedAt: string) => ({
      specversion: '1.0',
      id: randomUUID(),
      source: `urn:tutoring:vendor:${w.vendorA}`,
      type: 'org.tutoring.session.delivered.v1',
      data: aSession(w, sessionId, {
        startedAt,
        endedAt,
        attendance: [{ studentId: w.ana, status: 'present', minutes: 20 }],
      }),
    });
    const batch = await api('/v1/ingest/events', tokenA, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify([
        batchEvent('http-2', '2026-11-04T11:00:00-06:00', '2026-11-04T11:20:00-06:00'),
        // overlaps http-2 for the same student
        batchEvent('http-3', '2026-11-04T11:10:00-06:00', '2026-11-04T11:30:00-06:00'),
      ]),
    });
    expect(batch.status).toBe(202);
    const results = (
      (await batch.json()) as { results: { index: number; status: string; exceptions: { code: string }[] }[] }
    ).results;
    expect(results.map((r) => [r.index, r.status, r.exceptions.map((e) => e.code)])).toEqual([
      [0, 'accepted', []],
      [1, 'accepted', ['overlapping_session']],
    ]);

    const csvText = `student_id,session_topic,session_date,session_duration,session_ratio,tutor_id,session_start\n${w.ana},math,2026-11-02,30,1:1,${w.tutorA},14:00\n`;
    const upload = async () =>
      (await (
        await api('/v1/ingest/datas-csv', tokenA, {
          method: 'POST',
          headers: { 'content-type': 'text/csv' },
          body: csvText,
        })
      ).json()) as {
        sessions: { status: string; sessionId: string; ledgerPosition: number }[];
      };
    const first = await upload();
    const again = await upload();
    expect(first.sessions).toEqual([expect.objectContaining({ status: 'accepted', exceptions: [] })]);
    expect(again.sessions).toEqual([{ ...first.sessions[0], status: 'duplicate' }]);

    const badHeader = await api('/v1/ingest/datas-csv', tokenA, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'student,tutor\n1,2',
    });
    expect(badHeader.status).toBe(400);
  });

  it('caps request sizes: batch count, CSV bytes, JSON bytes; and refuses other media types', async () => {
    const one = {
      specversion: '1.0',
      id: randomUUID(),
      source: `urn:tutoring:vendor:${w.vendorA}`,
      type: 'org.tutoring.session.delivered.v1',
      data: {},
    };
    const tooMany = await api('/v1/ingest/events', tokenA, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify(Array.from({ length: 101 }, () => ({ ...one, id: randomUUID() }))),
    });
    expect(tooMany.status).toBe(400);
    const hugeCsv = await api('/v1/ingest/datas-csv', tokenA, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: `student_id,session_topic,session_date,session_duration,session_ratio,tutor_id\n${'x,math,2026-11-03,30,1:1,y\n'.repeat(90_000)}`,
    });
    expect(hugeCsv.status).toBe(413);
    const hugeJson = await api('/v1/ingest/events', tokenA, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({ ...one, data: { padding: 'x'.repeat(1_100_000) } }),
    });
    expect(hugeJson.status).toBe(413);
    const xml = await api('/v1/ingest/events', tokenA, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<session/>',
    });
    expect(xml.status).toBe(415);
    // A non-vendor token cannot ingest at all.
    expect(
      (
        await api('/v1/ingest/events', districtAdmin, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(403);
  });

  it('re-judges a correction, cancels a void, and keeps every version in the history with its reason', async () => {
    await publishSession(
      w.vendorA,
      'k-life',
      aSession(w, 'k-life', {
        startedAt: '2026-11-02T13:00:00-06:00',
        endedAt: '2026-11-02T13:30:00-06:00',
        attendance: [{ studentId: w.ben, status: 'present', minutes: 30 }],
      }),
    );
    await waitFor(
      async () => expect((await api(`/v1/sessions/${w.vendorA}/k-life/history`, tokenA)).status).toBe(200),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const exceptionsOfLife = async () =>
      (
        (await (await api(`/v1/exceptions?studentId=${w.ben}`, tokenA)).json()) as {
          items: { sessionId: string; exceptionCodes: string[] }[];
        }
      ).items.filter((i) => i.sessionId === 'k-life');
    expect(await exceptionsOfLife()).toEqual([expect.objectContaining({ exceptionCodes: ['no_consent'] })]);

    const corrected = {
      ...aSession(w, 'k-life', {
        startedAt: '2026-11-02T13:00:00-06:00',
        endedAt: '2026-11-02T13:30:00-06:00',
        attendance: [{ studentId: w.ben, status: 'absent_excused', minutes: 0 }],
      }),
      reason: 'Ben was absent',
    };
    const correctedEvent = encodeBinary({
      specversion: '1.0',
      id: randomUUID(),
      source: `urn:tutoring:vendor:${w.vendorA}`,
      type: 'org.tutoring.session.corrected.v1',
      datacontenttype: 'application/json',
      data: corrected,
    });
    await producer.send({ topic: vendorSessionsTopic(w.vendorA), messages: [{ key: 'k-life', ...correctedEvent }] });
    await waitFor(async () => expect(await exceptionsOfLife()).toEqual([]), { timeoutMs: 30_000, intervalMs: 200 });

    const voided = encodeBinary({
      specversion: '1.0',
      id: randomUUID(),
      source: `urn:tutoring:vendor:${w.vendorA}`,
      type: 'org.tutoring.session.voided.v1',
      datacontenttype: 'application/json',
      data: { sessionId: 'k-life', vendorId: w.vendorA, districtId: w.district, reason: 'entered twice' },
    });
    await producer.send({ topic: vendorSessionsTopic(w.vendorA), messages: [{ key: 'k-life', ...voided }] });
    const history = await waitFor(
      async () => {
        const body = (await (await api(`/v1/sessions/${w.vendorA}/k-life/history`, tokenA)).json()) as {
          items: { streamVersion: number; why: string; eventType: string; verdicts: unknown[] }[];
        };
        expect(body.items).toHaveLength(3);
        return body.items;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(history.map((h) => [h.streamVersion, h.why, h.verdicts.length])).toEqual([
      [1, 'delivered', 1],
      [2, 'Ben was absent', 1],
      [3, 'entered twice', 0],
    ]);
    const recorded = (
      await waitFor(
        async () => {
          const all = (await collectMessages(brokers, LEDGER_TOPIC, { timeoutMs: 3_000 })).filter(
            (m) => m.key === `${w.vendorA}:k-life`,
          );
          expect(all).toHaveLength(3);
          return all;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      )
    ).map((m) => JSON.parse(m.value ?? '{}') as { kind: string; lines: { billable: boolean }[] });
    expect(recorded.map((r) => [r.kind, r.lines.map((l) => l.billable)])).toEqual([
      ['delivered', [false]],
      ['corrected', [false]],
      ['voided', []],
    ]);
  });

  it('dead-letters an invalid reference event and keeps scheduling occurrences (planned, then cancelled)', async () => {
    const occurrenceId = randomUUID();
    const group = randomUUID();
    await publishAsService(producer, w.district, [
      {
        topic: SCHEDULING_TOPIC,
        type: 'org.tutoring.scheduling.occurrence-planned.v1',
        key: group,
        data: {
          occurrenceId,
          districtId: w.district,
          groupId: group,
          programId: w.program,
          schoolId: w.school,
          vendorId: w.vendorA,
          tutorId: w.tutorA,
          studentIds: [w.ana],
          date: '2026-11-04',
          startsAt: '2026-11-04T09:00:00-06:00',
          endsAt: '2026-11-04T09:30:00-06:00',
        },
      },
      {
        topic: SCHEDULING_TOPIC,
        type: 'org.tutoring.scheduling.occurrence-cancelled.v1',
        key: group,
        data: {
          occurrenceId,
          districtId: w.district,
          groupId: group,
          vendorId: w.vendorA,
          reason: 'testing_day',
          accountable: 'district',
          studentIds: [w.ana],
          note: null,
        },
      },
    ]);
    const { headers, value } = encodeBinary({
      specversion: '1.0',
      id: randomUUID(),
      source: 'urn:tutoring:service:enrollment',
      type: 'org.tutoring.enrollment.tutor-registered.v1',
      districtid: w.district,
      data: { tutorId: 'nope' },
    });
    await producer.send({ topic: ENROLLMENT_TUTORS_TOPIC, messages: [{ key: 'bad', value, headers }] });

    const dead = await collectMessages(brokers, deadLetterTopic(ENROLLMENT_TUTORS_TOPIC), {
      count: 1,
      timeoutMs: 30_000,
    });
    expect(dead[0]?.headers['dlq_stage']).toBe('reference');
    await waitFor(
      async () => {
        const { rows } = await admin.query(
          `SELECT date::text AS date, cancelled_reason, cancelled_accountable FROM session_ledger.ref_occurrences WHERE occurrence_id = $1`,
          [occurrenceId],
        );
        expect(rows).toEqual([
          { date: '2026-11-04', cancelled_reason: 'testing_day', cancelled_accountable: 'district' },
        ]);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  });

  it('rejects a Kafka event claiming another district, answers the vendor, and records it without tenant data', async () => {
    const elsewhere = randomUUID();
    await publishSession(w.vendorA, 'k-elsewhere', aSession(w, 'k-elsewhere', { districtId: elsewhere }));
    const verdict = await waitFor(
      async () => {
        const found = (await collectMessages(brokers, vendorFeedbackTopic(w.vendorA), { timeoutMs: 3_000 })).find(
          (m) => m.key === 'k-elsewhere',
        );
        expect(found).toBeDefined();
        return found!;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(verdict.headers['ce_type']).toBe('org.tutoring.session.rejected.v1');
    expect(verdict.headers['ce_districtid']).toBeUndefined();
    expect(
      (JSON.parse(verdict.value ?? '{}') as { errors: FieldErr[] }).errors.map((e) => `${e.path}:${e.code}`),
    ).toEqual(['districtId:mismatch']);
    const { rows } = await admin.query(
      `SELECT (SELECT count(*) FROM session_ledger.unattributed_rejections WHERE session_id = 'k-elsewhere')::int AS unattributed,
              (SELECT count(*) FROM session_ledger.ingest_rejections WHERE session_id = 'k-elsewhere')::int AS attributed`,
    );
    expect(rows).toEqual([{ unattributed: 1, attributed: 0 }]);
  });

  it('never shows vendor A sessions, exceptions, entries or rejections to vendor B, through any route', async () => {
    expect((await api(`/v1/sessions/${w.vendorA}/k-mixed/history`, tokenB)).status).toBe(404);
    expect((await api(`/v1/sessions/${w.vendorA}/k-mixed/history`, districtAdmin)).status).toBe(200);
    expect((await api(`/v1/exceptions?vendorId=${w.vendorA}`, tokenB)).status).toBe(403);
    const exceptions = (await (await api('/v1/exceptions', tokenB)).json()) as { items: unknown[] };
    expect(exceptions.items).toEqual([]);
    const entries = (await (await api('/v1/ledger/entries', tokenB)).json()) as { items: unknown[] };
    expect(entries.items).toEqual([]);
    const rejections = (await (await api('/v1/ingest/rejections', tokenB)).json()) as { items: unknown[] };
    expect(rejections.items).toEqual([]);
    // Vendor A does see its own, so the empty answers above are scoping, not an empty ledger.
    expect(
      ((await (await api('/v1/ledger/entries', tokenA)).json()) as { items: unknown[] }).items.length,
    ).toBeGreaterThan(0);
    expect(
      ((await (await api('/v1/ingest/rejections', tokenA)).json()) as { items: unknown[] }).items.length,
    ).toBeGreaterThan(0);

    // B cannot write as A either: the token's vendor must be the event's.
    const forged = await api('/v1/ingest/events', tokenB, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({
        specversion: '1.0',
        id: randomUUID(),
        source: `urn:tutoring:vendor:${w.vendorA}`,
        type: 'org.tutoring.session.delivered.v1',
        data: aSession(w, 'forged'),
      }),
    });
    const forgedResult = ((await forged.json()) as { results: { status: string; errors: FieldErr[] }[] }).results[0];
    expect(forgedResult?.status).toBe('rejected');
    expect(forgedResult?.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['ce_source']));
    expect((await api(`/v1/sessions/${w.vendorA}/forged/history`, districtAdmin)).status).toBe(404);
  });
});

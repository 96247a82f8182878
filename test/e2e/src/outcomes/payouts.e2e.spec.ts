/**
 * Outcomes contracting end to end, driven from outside as a vendor and finance would: the vendor publishes
 * sessions on its own topic (Kafka's console producer) → the real session-ledger records them and publishes
 * ledger entries → outcomes-contracting keeps them as payment facts → finance user A issues the September
 * statement, A cannot approve it, B does → statement-issued and statement-approved are read from
 * tutoring.finance.payouts.v1 with Kafka's own console consumer → the vendor corrects a September session after
 * approval → it appears as an adjustment line in the October statement.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startDevIssuer, type DevIssuer } from '@tutoring/shared/auth';
import {
  ENROLLMENT_ORGANISATION_TOPIC,
  ENROLLMENT_STUDENTS_TOPIC,
  ENROLLMENT_TUTORS_TOPIC,
  FINANCE_PAYOUTS_TOPIC,
  LEDGER_TOPIC,
  STATEMENT_APPROVED_V1,
  STATEMENT_ISSUED_V1,
  validateEvent,
  vendorFeedbackTopic,
  vendorSessionsTopic,
  type StatementIssuedV1,
} from '@tutoring/shared/contracts';
import { DEV_AUDIENCE, startStack, type Stack } from '@tutoring/shared/dev-stack';
import { findFreePort } from '@tutoring/shared/local-infra';
import {
  collectMessages,
  freshDatabase,
  testKafkaBrokers,
  waitFor,
  type FreshDatabase,
} from '@tutoring/shared/testing';
import { publishWithConsoleProducer, type ConsoleRecord } from '../console-producer';
import { consumeKeyWithConsoleConsumer } from './console-consumer';
import { referenceRecords, type World } from './reference-events';

const root = join(__dirname, '..', '..', '..', '..');
const district = randomUUID();
const [s1, s2] = [randomUUID(), randomUUID()];

const rateCard = {
  base: { unit: 'student_hour', unitPriceCents: 4000, hourRounding: 'quarter_hour_down' },
  attendanceGateBp: 7000,
  outcome: null,
  declinePenalty: null,
  holdbackBp: 2000,
  capPerStudentCents: null,
  capPerContractCents: null,
  settlementWindows: [],
};

describe('payout statements: vendor sessions → ledger → statement → approval → finance topic', () => {
  let db: FreshDatabase;
  let issuer: DevIssuer;
  let stack: Stack;
  let world: World;
  const brokers = testKafkaBrokers();
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    db = await freshDatabase('payouts_e2e');
    issuer = await startDevIssuer({ audience: DEV_AUDIENCE, port: 0, log: () => undefined });
    stack = await startStack({
      root,
      postgresAdminUrl: db.url,
      kafkaBrokers: brokers,
      issuer,
      services: ['enrollment', 'session-ledger', 'outcomes-contracting'],
      ports: {
        enrollment: await findFreePort(),
        'session-ledger': await findFreePort(),
        'outcomes-contracting': await findFreePort(),
      },
      logDir: join(root, 'tmp', 'e2e-logs', 'payouts'),
    });
    tokens['admin'] = await issuer.mintToken({ sub: 'admin-1', roles: ['district_admin'], district_id: district });
    tokens['finA'] = await issuer.mintToken({ sub: 'fin-a', roles: ['finance'], district_id: district });
    tokens['finB'] = await issuer.mintToken({ sub: 'fin-b', roles: ['finance'], district_id: district });
  });

  afterAll(async () => {
    await stack?.stop();
    await issuer?.stop();
    await db?.drop();
  });

  const call = async (
    service: 'enrollment' | 'outcomes-contracting',
    token: string,
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const res = await fetch(`${stack.get(service).url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return {
      status: res.status,
      json: json as Record<string, unknown> & {
        lines?: { kind: string; studentId: string | null; amountCents: number }[];
      },
      text,
      type: res.headers.get('content-type'),
    };
  };
  const outcomes = (who: string, method: string, path: string, body?: unknown) =>
    call('outcomes-contracting', tokens[who] as string, method, path, body);

  const session = (
    type: 'delivered' | 'corrected',
    sessionId: string,
    start: string,
    attendance: { studentId: string; minutes: number }[],
  ): ConsoleRecord => {
    const startedAt = `${start}:00-05:00`;
    const end = new Date(Date.parse(startedAt) + 60 * 60_000).toISOString().replace('.000Z', 'Z');
    const data = {
      sessionId,
      vendorId: world.vendorId,
      districtId: district,
      tutorId: world.tutorId,
      groupId: null,
      scheduledSessionId: null,
      subject: 'math',
      modality: 'virtual',
      startedAt,
      endedAt: end,
      attendance: attendance.map((a) => ({ ...a, status: 'present' })),
      ...(type === 'corrected' ? { reason: 'minutes of the first student were wrong' } : {}),
    };
    return {
      key: sessionId,
      headers: {
        ce_specversion: '1.0',
        ce_id: randomUUID(),
        ce_source: `urn:tutoring:vendor:${world.vendorId}`,
        ce_type: `org.tutoring.session.${type}.v1`,
        ce_time: end,
        ce_districtid: district,
        'content-type': 'application/json',
      },
      value: JSON.stringify(data),
    };
  };

  /** Waits until a consumer group has committed every offset of its topics (the facts are in its tables). */
  const waitCaughtUp = async (groupId: string, topics: string[]) => {
    const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          for (const topic of topics) {
            const ends = await admin.fetchTopicOffsets(topic);
            const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
            for (const end of ends) {
              const c = committed?.partitions.find((p) => p.partition === end.partition);
              expect(Number(c?.offset ?? -1) >= Number(end.high) || end.high === '0').toBe(true);
            }
          }
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
    } finally {
      await admin.disconnect();
    }
  };

  it('issues, approves (four eyes) and publishes; a correction after approval is next month’s adjustment', async () => {
    // the district registers the vendor; session-ledger opens its topics
    const vendor = await call('enrollment', tokens['admin'] as string, 'POST', '/v1/vendors', {
      name: 'Payout Tutors',
    });
    expect(vendor.status).toBe(201);
    world = {
      districtId: district,
      schoolId: randomUUID(),
      programId: randomUUID(),
      vendorId: String(vendor.json['vendorId']),
      tutorId: randomUUID(),
      studentIds: [s1, s2],
    };
    tokens['vendor'] = await issuer.mintToken({
      sub: 'vendor-user',
      roles: ['vendor'],
      district_id: district,
      vendor_id: world.vendorId,
    });
    tokens['otherVendor'] = await issuer.mintToken({
      sub: 'other-vendor-user',
      roles: ['vendor'],
      district_id: district,
      vendor_id: randomUUID(),
    });
    const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await waitFor(
      async () =>
        expect(await admin.listTopics()).toEqual(
          expect.arrayContaining([vendorSessionsTopic(world.vendorId), ENROLLMENT_STUDENTS_TOPIC]),
        ),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    await admin.disconnect();

    // roster facts as enrollment publishes them, then wait until the ledger has read them all
    const refs = referenceRecords(world);
    for (const [topic, records] of refs) await publishWithConsoleProducer(brokers, topic, records);
    await waitCaughtUp('session-ledger.reference', [
      ENROLLMENT_ORGANISATION_TOPIC,
      ENROLLMENT_STUDENTS_TOPIC,
      ENROLLMENT_TUTORS_TOPIC,
    ]);

    // finance user A sets up the contract
    const contract = await outcomes('finA', 'POST', '/v1/contracts', {
      vendorId: world.vendorId,
      name: 'Grade 4 math 2026-27',
      startDate: '2026-09-01',
      endDate: '2027-06-30',
      rateCard,
    });
    expect(contract.status).toBe(201);
    const contractId = String(contract.json['contractId']);

    // the vendor publishes September: s1 60 + 30 min, s2 45 min (quarter hours rounded down per session)
    await publishWithConsoleProducer(brokers, vendorSessionsTopic(world.vendorId), [
      session('delivered', 'sep-1', '2026-09-02T15:00', [
        { studentId: s1, minutes: 60 },
        { studentId: s2, minutes: 45 },
      ]),
      session('delivered', 'sep-2', '2026-09-03T15:00', [{ studentId: s1, minutes: 30 }]),
    ]);
    const feedback = await collectMessages(brokers, vendorFeedbackTopic(world.vendorId), {
      count: 2,
      timeoutMs: 60_000,
    });
    for (const f of feedback) expect(JSON.parse(f.value ?? '{}')).toMatchObject({ exceptions: [] });
    await waitCaughtUp('outcomes-contracting.facts', [LEDGER_TOPIC]);

    const sept = await outcomes('finA', 'POST', `/v1/contracts/${contractId}/statements`, {
      kind: 'base',
      month: '2026-09',
    });
    expect(sept.status).toBe(201);
    const septStatement = sept.json['statement'] as {
      statementId: string;
      totalCents: number;
      lines: { kind: string; studentId: string | null; quantity: string; amountCents: number }[];
    };
    // s1 1.5 h = 6000, s2 0.75 h = 3000, holdback 20 % of 9000 = −1800
    const baseLines: (string | number | null)[][] = [
      ['base', s1, '1.5', 6000],
      ['base', s2, '0.75', 3000],
    ];
    baseLines.sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    expect(septStatement.lines.map((l) => [l.kind, l.studentId, l.quantity, l.amountCents])).toEqual([
      ...baseLines,
      ['holdback', null, '1', -1800],
    ]);
    expect(septStatement.totalCents).toBe(7200);

    const self = await outcomes('finA', 'POST', `/v1/statements/${septStatement.statementId}/approval`);
    expect(self.status).toBe(403);
    expect(JSON.stringify(self.json)).toContain('four-eyes');
    const approved = await outcomes('finB', 'POST', `/v1/statements/${septStatement.statementId}/approval`);
    expect(approved.status).toBe(200);
    expect((await outcomes('finA', 'POST', `/v1/statements/${septStatement.statementId}/approval`)).status).toBe(409);

    // finance reads the topic with a client no one here wrote
    const first = await consumeKeyWithConsoleConsumer(brokers, FINANCE_PAYOUTS_TOPIC, contractId, 2);
    expect(first.map((r) => [r.key, r.headers['ce_type']])).toEqual([
      [contractId, STATEMENT_ISSUED_V1],
      [contractId, STATEMENT_APPROVED_V1],
    ]);
    const issued = JSON.parse(first[0]?.value ?? '{}') as StatementIssuedV1;
    expect(validateEvent(STATEMENT_ISSUED_V1, issued).ok).toBe(true);
    expect(issued).toMatchObject({
      statementId: septStatement.statementId,
      contractId,
      vendorId: world.vendorId,
      kind: 'base',
      periodStart: '2026-09-01',
      periodEnd: '2026-09-30',
      totalCents: 7200,
    });
    expect(JSON.parse(first[1]?.value ?? '{}')).toMatchObject({
      statementId: septStatement.statementId,
      approvedBy: 'fin-b',
      totalCents: 7200,
    });

    // the vendor corrects sep-1 after approval (s1 was there 30 min, not 60) and delivers in October
    await publishWithConsoleProducer(brokers, vendorSessionsTopic(world.vendorId), [
      session('corrected', 'sep-1', '2026-09-02T15:00', [
        { studentId: s1, minutes: 30 },
        { studentId: s2, minutes: 45 },
      ]),
      session('delivered', 'oct-1', '2026-10-05T15:00', [{ studentId: s2, minutes: 60 }]),
    ]);
    await collectMessages(brokers, vendorFeedbackTopic(world.vendorId), { count: 4, timeoutMs: 60_000 });
    await waitCaughtUp('outcomes-contracting.facts', [LEDGER_TOPIC]);
    const oct = await outcomes('finB', 'POST', `/v1/contracts/${contractId}/statements`, {
      kind: 'base',
      month: '2026-10',
    });
    expect(oct.status).toBe(201);
    const octId = String((oct.json['statement'] as { statementId: string }).statementId);
    expect((await outcomes('finA', 'POST', `/v1/statements/${octId}/approval`)).status).toBe(200);

    const all = await consumeKeyWithConsoleConsumer(brokers, FINANCE_PAYOUTS_TOPIC, contractId, 4);
    const octIssued = JSON.parse(all[2]?.value ?? '{}') as StatementIssuedV1;
    expect(all[2]?.headers['ce_type']).toBe(STATEMENT_ISSUED_V1);
    // October: s2 1 h = 4000; September's s1 adjusted by −0.5 h = −2000; holdback 20 % of 2000 = −400
    expect(octIssued.lines.map((l) => [l.kind, l.studentId, l.quantity, l.amountCents])).toEqual([
      ['base', s2, '1', 4000],
      ['adjustment', s1, '-0.5', -2000],
      ['holdback', null, '1', -400],
    ]);
    expect(octIssued.lines[1]?.description).toContain('2026-09');
    expect(octIssued.totalCents).toBe(1600);
    expect(JSON.parse(all[3]?.value ?? '{}')).toMatchObject({
      statementId: octId,
      approvedBy: 'fin-a',
      totalCents: 1600,
    });

    // the approved September statement is unchanged, and recomputes identically at its ledger position
    const septAgain = await outcomes('finA', 'GET', `/v1/statements/${septStatement.statementId}`);
    expect((septAgain.json['statement'] as { totalCents: number }).totalCents).toBe(7200);
    expect(
      (await outcomes('finA', 'GET', `/v1/statements/${septStatement.statementId}/recomputation`)).json,
    ).toMatchObject({ identical: true });

    // the vendor sees its own statements (and the CSV), another vendor sees nothing
    expect((await outcomes('vendor', 'GET', `/v1/statements/${octId}`)).status).toBe(200);
    expect((await outcomes('otherVendor', 'GET', `/v1/statements/${octId}`)).status).toBe(404);
    expect(((await outcomes('otherVendor', 'GET', '/v1/statements')).json['items'] as unknown[]).length).toBe(0);
    const csv = await outcomes('vendor', 'GET', `/v1/statements/${octId}/csv`);
    expect(csv.type).toContain('text/csv');
    expect(csv.text).toContain(`,adjustment,2026-09,${s1},`);

    // contract changes are new versions, never reaching into issued months; bad cards are refused by path
    expect(
      (
        await outcomes('finA', 'POST', `/v1/contracts/${contractId}/versions`, {
          effectiveFrom: '2026-10-15',
          rateCard,
        })
      ).status,
    ).toBe(422);
    const badCard = await outcomes('finA', 'POST', `/v1/contracts/${contractId}/versions`, {
      effectiveFrom: '2026-11-01',
      rateCard: { ...rateCard, holdbackBp: 2000.5 },
    });
    expect(badCard.status).toBe(422);
    expect(JSON.stringify(badCard.json)).toContain('rateCard.holdbackBp');
    const v2 = await outcomes('finA', 'POST', `/v1/contracts/${contractId}/versions`, {
      effectiveFrom: '2026-11-01',
      rateCard: { ...rateCard, holdbackBp: 0 },
    });
    expect(v2.status).toBe(201);
    expect((v2.json['versions'] as unknown[]).length).toBe(2);
    expect(
      (
        await outcomes('vendor', 'POST', `/v1/contracts/${contractId}/versions`, {
          effectiveFrom: '2026-12-01',
          rateCard,
        })
      ).status,
    ).toBe(403);

    // what-if: a per-session draft on the current ledger, nothing stored
    const whatIf = await outcomes('finB', 'POST', '/v1/what-if', {
      vendorId: world.vendorId,
      startDate: '2026-09-01',
      endDate: '2027-06-30',
      kind: 'base',
      month: '2026-09',
      rateCard: {
        ...rateCard,
        base: { unit: 'student_session', unitPriceCents: 2500, hourRounding: 'quarter_hour_down' },
        holdbackBp: 0,
      },
    });
    expect(whatIf.status).toBe(200);
    expect(whatIf.json['totalCents']).toBe(3 * 2500); // s1: sep-1 (corrected) + sep-2, s2: sep-1
    expect(
      ((await outcomes('finA', 'GET', `/v1/statements?contractId=${contractId}`)).json['items'] as unknown[]).length,
    ).toBe(2);

    // the vendor disputes a line; finance upholds it as a new version; November pays it as an adjustment
    const dispute = await outcomes('vendor', 'POST', `/v1/statements/${octId}/disputes`, {
      lineIndex: 0,
      reason: 'oct-1 lasted 75 minutes',
    });
    expect(dispute.status).toBe(201);
    expect(
      (await outcomes('otherVendor', 'POST', `/v1/statements/${octId}/disputes`, { lineIndex: 0, reason: 'not mine' }))
        .status,
    ).toBe(404);
    const resolution = await outcomes('finA', 'POST', `/v1/disputes/${String(dispute.json['disputeId'])}/resolution`, {
      decision: 'upheld',
      amountCents: 1000,
      note: 'tutor log confirms 75 minutes',
    });
    expect(resolution.status).toBe(201);
    expect(resolution.json).toMatchObject({ version: 2, status: 'upheld' });
    const nov = await outcomes('finA', 'POST', `/v1/contracts/${contractId}/statements`, {
      kind: 'base',
      month: '2026-11',
    });
    expect(nov.status).toBe(201);
    expect(
      (nov.json['statement'] as { lines: { kind: string; studentId: string | null; amountCents: number }[] }).lines.map(
        (l) => [l.kind, l.studentId, l.amountCents],
      ),
    ).toEqual([['adjustment', s2, 1000]]);
    expect(
      (await outcomes('finA', 'POST', `/v1/contracts/${contractId}/statements`, { kind: 'base', month: '2026-11' }))
        .status,
    ).toBe(409);
    expect((await outcomes('finA', 'POST', `/v1/contracts/${contractId}/statements`, { kind: 'base' })).status).toBe(
      422,
    );
  });
});

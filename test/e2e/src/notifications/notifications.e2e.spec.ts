/**
 * Notifications acceptance, driven from outside: producers' events on Kafka in, a real SMTP server (smtp-server)
 * and a real webhook receiver out, the service as an OS process that is SIGKILLed between deciding and sending and
 * while an SMTP send is in flight. Each notification reaches the SMTP server exactly once; a read-model rebuild
 * sends nothing; families, teachers and vendors only ever hear about their own students and sessions.
 */
import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { signWebhook } from '@tutoring/notifications/infrastructure';
import { DevIssuer, startDevIssuer } from '@tutoring/shared/auth';
import {
  DISTRICT_CONFIGURED_V1,
  DOSAGE_BELOW_TARGET_V1,
  ENROLMENT_CHANGED_V1,
  EnrolmentChangedV1,
  LEDGER_SESSION_RECORDED_V1,
  LedgerSessionRecordedV1,
  NOTIFICATION_SENT_V1,
  NOTIFICATIONS_TOPIC,
  OCCURRENCE_CANCELLED_V1,
  OCCURRENCE_PLANNED_V1,
  OccurrencePlannedV1,
  PROGRAM_DEFINED_V1,
  STUDENT_ROSTERED_V1,
  validateInternalEvent,
} from '@tutoring/shared/contracts';
import { DEV_AUDIENCE } from '@tutoring/shared/dev-stack';
import { findFreePort } from '@tutoring/shared/local-infra';
import { collectMessages, freshDatabase, FreshDatabase, testKafkaBrokers, waitFor } from '@tutoring/shared/testing';
import { aStatement, InputPublisher, validatedBy } from './input-events';
import { consumerCaughtUp, http, lastCompletedWeekIn, NotificationsProcess, root } from './notifications-harness';
import { SmtpCapture, startSmtpCapture } from './smtp-capture';

const district = randomUUID();
const zone = 'America/Chicago';
const school = randomUUID();
const program = randomUUID();
const vendor1 = randomUUID();
const vendor2 = randomUUID();
const studentA = randomUUID();
const studentB = randomUUID();
const studentC = randomUUID();
const enrolmentA = randomUUID();
const enrolmentB = randomUUID();
const enrolmentC = randomUUID();
const FAMILY_C_PHONE = '+15555550123';
const teacher1 = randomUUID();
const teacher2 = randomUUID();
const occReported = randomUUID();
const occMissing = randomUUID();
const occCancelled = randomUUID();
const week = lastCompletedWeekIn(zone, new Date());
const sessionDate = week.tuesday;
const NOTE_A = 'A-only: counted on with fractions';
const NOTE_B = 'B-only: trabajó muy bien con sumas';
const NOTE_C = 'C-only: reading fluency up';
const WEBHOOK_SECRET = 'e2e-webhook-secret-0123456789';

type Delivery = {
  deliveryId: string;
  recipientId: string;
  channel: string;
  status: string;
  attempts: number;
  lastError: string | null;
  notificationIds: string[];
};

describe('notifications: decided once, delivered once, private', () => {
  const brokers = testKafkaBrokers();
  let db: FreshDatabase;
  let issuer: DevIssuer;
  let smtp: SmtpCapture;
  let publisher: InputPublisher;
  let service: NotificationsProcess;
  let webhook: Server;
  const webhookCalls: { deliveryId: string; signatureOk: boolean; status: number }[] = [];
  let admin: ReturnType<typeof http>;
  let adminToken: string;

  beforeAll(async () => {
    db = await freshDatabase('notifications-e2e');
    issuer = await startDevIssuer({ audience: DEV_AUDIENCE, port: 0, log: () => undefined });
    smtp = await startSmtpCapture(await findFreePort());
    // Webhook receiver: checks the HMAC signature; /flaky fails the first call of each delivery, /broken always fails.
    const seen = new Set<string>();
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const deliveryId = String(req.headers['x-tutoring-delivery-id']);
        const signatureOk =
          req.headers['x-tutoring-signature'] ===
          signWebhook(WEBHOOK_SECRET, String(req.headers['x-tutoring-timestamp']), body);
        const first = !seen.has(deliveryId);
        seen.add(deliveryId);
        const status = req.url === '/broken' ? 500 : req.url === '/flaky' && first ? 503 : 200;
        webhookCalls.push({ deliveryId, signatureOk, status });
        res.writeHead(status).end();
      });
    });
    const webhookPort = await findFreePort();
    await new Promise<void>((r) => webhook.listen(webhookPort, '127.0.0.1', () => r()));
    process.env['E2E_WEBHOOK_BASE'] = `http://127.0.0.1:${webhookPort}`;
    publisher = await InputPublisher.connect(brokers);
    service = new NotificationsProcess({
      dbUrl: db.url,
      brokers,
      issuer,
      logDir: join(root, 'tmp', 'e2e-logs', 'notifications'),
      env: {
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtp.port),
        SMTP_FROM: 'notifications@district.test',
        NOTIFICATIONS_WEBHOOK_SECRET: WEBHOOK_SECRET,
        NOTIFICATIONS_DISPATCH_INTERVAL_MS: '300',
        NOTIFICATIONS_SEND_LEASE_MS: '3000',
        NOTIFICATIONS_MAX_ATTEMPTS: '3',
        NOTIFICATIONS_BACKOFF_BASE_MS: '200',
        NOTIFICATIONS_SMS_PROVIDER: 'logging-local-only',
      },
    });
    // Phase 1: decisions only (sending paused, no background sweep): the crash comes between deciding and sending.
    await service.start({ NOTIFICATIONS_DISPATCH_ENABLED: 'false', NOTIFICATIONS_SWEEP_INTERVAL_MS: '3600000' });
    adminToken = await issuer.mintToken({ sub: 'admin-1', roles: ['district_admin'], district_id: district });
    admin = http(() => service.url, adminToken);
  });

  afterAll(async () => {
    await service?.stop();
    await publisher?.disconnect();
    await smtp?.stop();
    await new Promise((r) => webhook?.close(r));
    await issuer?.stop();
    await db?.drop();
  });

  const deliveries = async (status?: string): Promise<Delivery[]> => {
    const res = await admin.get<{ items: Delivery[] }>(`/v1/deliveries?limit=200${status ? `&status=${status}` : ''}`);
    expect(res.status).toBe(200);
    return res.body.items;
  };

  it('previews templates in English and Spanish with sample data; guards the route', async () => {
    const es = await admin.get<{ subject: string; text: string }>(
      '/v1/templates/family_weekly_summary/preview?lang=es',
    );
    expect(es.status).toBe(200);
    expect(es.body.text).toContain('está avanzando en');
    const en = await admin.get<{ subject: string }>('/v1/templates/payout_statement_issued/preview');
    expect(en.body.subject).toContain('$12,345.67');
    expect((await admin.get('/v1/templates/nope/preview')).status).toBe(404);
    expect((await admin.get('/v1/templates/teacher_digest/preview?lang=fr')).status).toBe(400);
    expect((await fetch(`${service.url}/v1/templates`)).status).toBe(401);
  });

  it('configures settings and the recipient directory (admin only)', async () => {
    const teacherToken = await issuer.mintToken({
      sub: 'teacher-x',
      roles: ['teacher'],
      district_id: district,
      teacher_id: teacher1,
    });
    expect((await http(() => service.url, teacherToken).send('PUT', '/v1/settings', { quietHours: null })).status).toBe(
      403,
    );
    const zero = { enabled: true, digestMinutes: 0 };
    const settings = await admin.send('PUT', '/v1/settings', {
      quietHours: null,
      weekly: { delayHours: 0 },
      rules: { dosage_below_target: zero, session_exceptions: zero, missing_session_report: zero },
    });
    expect(settings.status).toBe(200);
    expect((await admin.send('PUT', '/v1/settings', { dosage: { consecutiveWeeks: 0 } })).status).toBe(422);

    const base = process.env['E2E_WEBHOOK_BASE'] ?? '';
    const directory: [string, string, string, string, string][] = [
      // recipient, channel, address, role, scope
      ['lead-1', 'email', 'lead@school.test', 'site_lead', school],
      ['pm-1', 'email', 'pm@district.test', 'program_manager', program],
      ['pm-1', 'webhook', `${base}/flaky`, 'program_manager', program],
      ['ops-hook', 'webhook', `${base}/broken`, 'program_manager', program],
      [vendor1, 'email', 'ops@vendor-one.test', 'vendor_contact', vendor1],
      [vendor2, 'email', 'ops@vendor-two.test', 'vendor_contact', vendor2],
      ['fin-1', 'email', 'approver@district.test', 'finance_approver', '*'],
      ['fin-1', 'inbox', 'fin-1', 'finance_approver', '*'],
      [enrolmentA, 'email', 'family-a@home.test', 'family', enrolmentA],
      [enrolmentB, 'email', 'family-b@home.test', 'family', enrolmentB],
      [enrolmentC, 'sms', FAMILY_C_PHONE, 'family', enrolmentC],
      [teacher1, 'email', 'teacher-1@school.test', 'teacher', studentA],
      [teacher1, 'email', 'teacher-1@school.test', 'teacher', studentC],
      [teacher2, 'email', 'teacher-2@school.test', 'teacher', studentB],
    ];
    for (const [recipient, channel, address, role, scopeKey] of directory) {
      expect((await admin.send('PUT', `/v1/recipients/${recipient}/channels/${channel}`, { address })).status).toBe(
        200,
      );
      expect((await admin.send('PUT', `/v1/recipients/${recipient}/roles`, { role, scopeKey })).status).toBe(200);
    }
  });

  const publishScenario = async (): Promise<void> => {
    const p = publisher;
    await p.internal(DISTRICT_CONFIGURED_V1, { districtId: district, timeZone: zone }, district);
    await p.internal(
      PROGRAM_DEFINED_V1,
      {
        programId: program,
        districtId: district,
        name: 'Grade 3 Math',
        subject: 'math',
        gradeBand: { from: '3', to: '3' },
        target: { sessionsPerWeek: 3, minutesPerSession: 30, weeks: 10 },
        maxGroupSize: 4,
        startDate: '2026-09-01',
        endDate: '2027-05-31',
        consentMode: 'opt_in',
        vendorIds: [vendor1, vendor2],
        plausibleHours: { from: '06:00', to: '20:00' },
      },
      district,
    );
    for (const studentId of [studentA, studentB, studentC]) {
      await p.internal(
        STUDENT_ROSTERED_V1,
        {
          studentId,
          districtId: district,
          schoolId: school,
          grade: '3',
          flags: { economicallyDisadvantaged: false, multilingualLearner: false, iep: false },
          active: true,
        },
        studentId,
      );
    }
    const enrolment = (
      enrolmentId: string,
      studentId: string,
      language: string,
      channel: 'email' | 'sms' = 'email',
    ): EnrolmentChangedV1 => ({
      enrolmentId,
      districtId: district,
      studentId,
      schoolId: school,
      programId: program,
      vendorId: vendor1,
      status: 'enrolled',
      consent: 'granted',
      startDate: '2026-09-15',
      endDate: null,
      reason: null,
      contactPreferences: { language, channel },
      changedAt: new Date().toISOString(),
    });
    await p.internal(ENROLMENT_CHANGED_V1, enrolment(enrolmentA, studentA, 'en'), studentA);
    await p.internal(ENROLMENT_CHANGED_V1, enrolment(enrolmentB, studentB, 'es-MX'), studentB);
    await p.internal(ENROLMENT_CHANGED_V1, enrolment(enrolmentC, studentC, 'es', 'sms'), studentC);
    const occurrence = (occurrenceId: string, vendorId: string, endsAt: Date): OccurrencePlannedV1 => ({
      occurrenceId,
      districtId: district,
      groupId: randomUUID(),
      programId: program,
      schoolId: school,
      vendorId,
      tutorId: randomUUID(),
      studentIds: [studentA, studentB],
      date: endsAt.toISOString().slice(0, 10),
      startsAt: new Date(endsAt.getTime() - 30 * 60_000).toISOString(),
      endsAt: endsAt.toISOString(),
    });
    const twoDaysAgo = new Date(Date.now() - 48 * 3_600_000);
    await p.internal(
      OCCURRENCE_PLANNED_V1,
      occurrence(occReported, vendor1, new Date(`${sessionDate}T15:30:00Z`)),
      occReported,
    );
    await p.internal(OCCURRENCE_PLANNED_V1, occurrence(occMissing, vendor1, twoDaysAgo), occMissing);
    const cancelled = occurrence(occCancelled, vendor2, twoDaysAgo);
    await p.internal(OCCURRENCE_PLANNED_V1, cancelled, occCancelled);
    await p.internal(
      OCCURRENCE_CANCELLED_V1,
      {
        occurrenceId: occCancelled,
        districtId: district,
        groupId: cancelled.groupId,
        vendorId: vendor2,
        reason: 'closure',
        accountable: 'district',
        studentIds: cancelled.studentIds,
        note: null,
      },
      occCancelled,
    );
    // Reference data first, as in a real term (programs and enrolments exist long before dosage signals): the
    // topics are consumed independently, so a fact may otherwise overtake the program it names.
    await waitFor(async () => expect(await consumerCaughtUp(brokers)).toBe(true), {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    const session = (
      vendorId: string,
      sessionId: string,
      position: number,
      over: Partial<LedgerSessionRecordedV1>,
    ): LedgerSessionRecordedV1 => ({
      ledgerPosition: position,
      districtId: district,
      vendorId,
      sessionId,
      streamVersion: 1,
      kind: 'delivered',
      tutorId: randomUUID(),
      groupId: null,
      scheduledSessionId: null,
      subject: 'math',
      startedAt: `${sessionDate}T15:00:00Z`,
      endedAt: `${sessionDate}T15:30:00Z`,
      localDate: sessionDate,
      lines: [],
      notes: [],
      recordedAt: new Date().toISOString(),
      ...over,
    });
    await p.internal(
      LEDGER_SESSION_RECORDED_V1,
      session(vendor1, 'v1-session-1', 1, {
        scheduledSessionId: occReported,
        lines: [
          { studentId: studentA, status: 'present', minutes: 30, billable: true, exceptionCodes: [] },
          {
            studentId: studentB,
            status: 'present',
            minutes: 30,
            billable: false,
            exceptionCodes: ['tutor_not_cleared'],
          },
        ],
        notes: [
          { studentId: studentA, skill: '3.NF.A.1', progress: 'progressing', comment: NOTE_A },
          { studentId: studentB, skill: '3.OA.A.1', progress: 'mastered', comment: NOTE_B },
        ],
      }),
      `${vendor1}:v1-session-1`,
    );
    await p.internal(
      LEDGER_SESSION_RECORDED_V1,
      session(vendor2, 'v2-session-9', 2, {
        lines: [
          { studentId: studentC, status: 'late', minutes: 20, billable: false, exceptionCodes: ['not_enrolled'] },
        ],
        notes: [{ studentId: studentC, skill: 'RF.3.4', progress: 'not_yet', comment: NOTE_C }],
      }),
      `${vendor2}:v2-session-9`,
    );
    await p.internal(
      DOSAGE_BELOW_TARGET_V1,
      {
        districtId: district,
        studentId: studentA,
        schoolId: school,
        programId: program,
        isoWeek: week.isoWeek,
        attendedMinutes: 30,
        targetMinutes: 90,
        consecutiveWeeks: 2,
      },
      studentA,
    );
    await p.statementIssued(
      aStatement({ statementId: randomUUID(), districtId: district, contractId: randomUUID(), vendorId: vendor1 }),
    );
  };

  it('crash (SIGKILL) between deciding and sending, restart: every email reaches the SMTP server exactly once', async () => {
    await publishScenario();
    await waitFor(async () => expect(await consumerCaughtUp(brokers)).toBe(true), {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    const swept = await admin.send<{ decided: number; deliveries: number; sent: number }>('POST', '/v1/sweeps', {
      dispatch: false,
    });
    expect(swept.status).toBe(200);
    expect(swept.body.sent).toBe(0);
    const decided = await deliveries('pending');
    const emails = decided.filter((d) => d.channel === 'email');
    // One message per recipient (digests rather than floods): 9 mailboxes, 2 webhooks, 1 inbox.
    expect(emails.map((d) => d.recipientId).sort()).toEqual(
      ['fin-1', 'lead-1', 'pm-1', enrolmentA, enrolmentB, teacher1, teacher2, vendor1, vendor2].sort(),
    );
    expect(decided.filter((d) => d.channel === 'webhook')).toHaveLength(2);
    expect(decided.filter((d) => d.channel === 'sms').map((d) => d.recipientId)).toEqual([enrolmentC]);
    expect(smtp.received).toHaveLength(0);

    await service.kill();
    await service.start({ NOTIFICATIONS_SWEEP_INTERVAL_MS: '1000' });
    await waitFor(() => expect(smtp.received.length).toBeGreaterThanOrEqual(emails.length), {
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    await new Promise((r) => setTimeout(r, 4_000)); // leases (3 s) and several dispatch and sweep ticks pass
    expect(smtp.received).toHaveLength(emails.length);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(emails.length);
    expect(smtp.received.map((m) => m.deliveryId).sort()).toEqual(emails.map((d) => d.deliveryId).sort());
    for (const m of smtp.received) expect(m.messageId).toBe(`<${m.deliveryId}@notifications.tutoring.invalid>`);
    const sent = await deliveries('sent');
    expect(sent.filter((d) => d.channel === 'email')).toHaveLength(emails.length);
  });

  it('a family message holds only its own child, in its language; no student id at all', () => {
    const [a] = smtp.to('family-a@home.test');
    const [b] = smtp.to('family-b@home.test');
    expect(a?.text).toContain(NOTE_A);
    expect(a?.text).toContain('attended 1 tutoring session');
    expect(b?.language).toBe('es');
    expect(b?.text).toContain(NOTE_B);
    expect(b?.text).toContain('asistió a 1 sesión');
    for (const [mail, others] of [
      [a, [NOTE_B, NOTE_C, studentB, studentC, studentA]],
      [b, [NOTE_A, NOTE_C, studentA, studentC, studentB]],
    ] as const) {
      for (const other of others) expect(`${mail?.subject} ${mail?.text}`).not.toContain(other);
    }
  });

  it("a teacher digest holds only that teacher's students", () => {
    const [t1] = smtp.to('teacher-1@school.test');
    const [t2] = smtp.to('teacher-2@school.test');
    expect(t1?.text).toContain(NOTE_A);
    expect(t1?.text).toContain(NOTE_C);
    expect(t1?.text).not.toContain(NOTE_B);
    expect(t1?.text).not.toContain(studentB);
    expect(t2?.text).toContain(NOTE_B);
    expect(t2?.text).not.toContain(NOTE_A);
    expect(t2?.text).not.toContain(studentA);
  });

  it('a vendor is only told about its own sessions (exceptions, missing reports)', () => {
    const v1 = smtp
      .to('ops@vendor-one.test')
      .map((m) => m.text)
      .join('\n');
    const v2 = smtp
      .to('ops@vendor-two.test')
      .map((m) => m.text)
      .join('\n');
    expect(v1).toContain('v1-session-1');
    expect(v1).toContain('tutor_not_cleared');
    expect(v1).toContain(occMissing);
    expect(v1).not.toContain('v2-session-9');
    expect(v2).toContain('v2-session-9');
    expect(v2).not.toContain('v1-session-1');
    expect(v2).not.toContain(occMissing);
    expect(v2).not.toContain(occCancelled); // cancelled: not a data-entry gap
    expect(`${v1}${v2}`).not.toContain(occReported); // reported: nothing to nudge
  });

  it('site lead and program manager hear about the dosage streak; finance approvers by email and in their inbox', async () => {
    expect(smtp.to('lead@school.test')[0]?.subject).toContain('below target dose for 2 weeks');
    expect(smtp.to('pm@district.test')[0]?.text).toContain('Grade 3 Math');
    expect(smtp.to('approver@district.test')[0]?.subject).toContain('Payout statement to approve');
    const finance = http(
      () => service.url,
      await issuer.mintToken({ sub: 'fin-1', roles: ['finance'], district_id: district }),
    );
    const inbox = await finance.get<{ items: { subject: string }[] }>('/v1/inbox');
    expect(inbox.body.items.map((i) => i.subject)).toEqual([expect.stringContaining('Payout statement to approve')]);
    const lead = http(
      () => service.url,
      await issuer.mintToken({ sub: 'lead-1', roles: ['school_leader'], district_id: district, school_ids: [school] }),
    );
    expect((await lead.get<{ items: unknown[] }>('/v1/inbox')).body.items).toEqual([]);
  });

  it('webhooks are HMAC-signed and retried with backoff; a receiver that keeps failing ends in the dead letters', async () => {
    await waitFor(async () => expect((await deliveries('dead')).map((d) => d.recipientId)).toEqual(['ops-hook']), {
      timeoutMs: 30_000,
      intervalMs: 500,
    });
    const [dead] = await deliveries('dead');
    expect(dead?.attempts).toBe(3);
    expect(dead?.lastError).toContain('500');
    expect(webhookCalls.every((c) => c.signatureOk)).toBe(true);
    const flaky = webhookCalls.filter((c) => c.deliveryId !== dead?.deliveryId);
    expect(flaky.map((c) => c.status)).toEqual([503, 200]);
    expect((await deliveries('sent')).some((d) => d.channel === 'webhook' && d.recipientId === 'pm-1')).toBe(true);
    const leader = http(
      () => service.url,
      await issuer.mintToken({ sub: 'lead-1', roles: ['school_leader'], district_id: district, school_ids: [school] }),
    );
    expect((await leader.get('/v1/deliveries?status=dead')).status).toBe(403);
  });

  it('crash (SIGKILL) while the SMTP server holds the message: after restart it is accepted exactly once', async () => {
    const before = smtp.to('approver@district.test').length;
    const started = smtp.dataStarted;
    smtp.holdNext();
    const statementId = randomUUID();
    await publisher.statementIssued(
      aStatement({
        statementId,
        districtId: district,
        contractId: randomUUID(),
        vendorId: vendor1,
      }),
    );
    await waitFor(() => expect(smtp.dataStarted).toBe(started + 1), { timeoutMs: 30_000, intervalMs: 100 });
    await service.kill();
    expect(smtp.to('approver@district.test')).toHaveLength(before);
    await service.start({ NOTIFICATIONS_SWEEP_INTERVAL_MS: '1000' });
    await waitFor(() => expect(smtp.to('approver@district.test')).toHaveLength(before + 1), {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    await new Promise((r) => setTimeout(r, 4_000));
    const mails = smtp.to('approver@district.test');
    expect(mails).toHaveLength(before + 1);
    expect(mails[before]?.text).toContain(statementId);
  });

  it('rebuilding every read model sends nothing and decides nothing', async () => {
    const stats = async () =>
      (
        await admin.get<{ notifications: Record<string, number>; deliveries: Record<string, number> }>(
          '/v1/notifications/stats',
        )
      ).body;
    const before = { stats: await stats(), mails: smtp.received.length, hooks: webhookCalls.length };
    const started = await admin.send<{ rebuildId: string }>('POST', '/v1/read-models/rebuild', {});
    expect(started.status).toBe(202);
    let replayed = 0;
    await waitFor(
      async () => {
        const s = await admin.get<{ finishedAt: string | null; replayed: number }>(
          `/v1/read-models/rebuilds/${started.body.rebuildId}`,
        );
        expect(s.body.finishedAt).not.toBeNull();
        replayed = s.body.replayed;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(replayed).toBeGreaterThanOrEqual(14); // every event of this district, replayed into the read models
    const swept = await admin.send<{ decided: number; deliveries: number }>('POST', '/v1/sweeps', {});
    expect(swept.body).toMatchObject({ decided: 0, deliveries: 0 });
    await new Promise((r) => setTimeout(r, 3_000)); // background sweeps and dispatches run meanwhile
    expect(await stats()).toEqual(before.stats);
    expect(smtp.received.length).toBe(before.mails);
    expect(webhookCalls.length).toBe(before.hooks);
  });

  it('an opt-out by the recipient is honoured and audited', async () => {
    const lead = http(
      () => service.url,
      await issuer.mintToken({ sub: 'lead-1', roles: ['school_leader'], district_id: district, school_ids: [school] }),
    );
    expect(
      (await lead.send('PUT', '/v1/recipients/pm-1/preferences', { optedOutRules: ['dosage_below_target'] })).status,
    ).toBe(403);
    const changed = await lead.send<{ channels: { optedOutRules: string[] }[] }>(
      'PUT',
      '/v1/recipients/lead-1/preferences',
      { optedOutRules: ['dosage_below_target'] },
    );
    expect(changed.status).toBe(200);
    expect(changed.body.channels[0]?.optedOutRules).toEqual(['dosage_below_target']);
    const leadMails = smtp.to('lead@school.test').length;
    const pmMails = smtp.to('pm@district.test').length;
    await publisher.internal(
      DOSAGE_BELOW_TARGET_V1,
      {
        districtId: district,
        studentId: studentC,
        schoolId: school,
        programId: program,
        isoWeek: week.isoWeek,
        attendedMinutes: 0,
        targetMinutes: 90,
        consecutiveWeeks: 2,
      },
      studentC,
    );
    await waitFor(() => expect(smtp.to('pm@district.test')).toHaveLength(pmMails + 1), {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    expect(smtp.to('pm@district.test')[pmMails]?.text).toContain(studentC);
    expect(smtp.to('lead@school.test')).toHaveLength(leadMails);
    const stats = await admin.get<{ notifications: Record<string, number> }>('/v1/notifications/stats');
    expect(stats.body.notifications['suppressed']).toBeGreaterThanOrEqual(1);
    const audit = await admin.get<{ items: { actorSub: string; resourceType: string; resourceIds: string[] }[] }>(
      '/v1/audit?resourceType=notification_preferences',
    );
    expect(audit.body.items).toEqual([expect.objectContaining({ actorSub: 'lead-1', resourceIds: ['lead-1'] })]);
  });

  it('a family that prefers SMS gets it through the SMS port; addresses and texts stay out of logs and Kafka', async () => {
    const sms = (await deliveries('sent')).filter((d) => d.channel === 'sms');
    expect(sms.map((d) => d.recipientId)).toEqual([enrolmentC]);
    const log = readFileSync(join(root, 'tmp', 'e2e-logs', 'notifications', 'notifications.log'), 'utf8');
    expect(log).toContain('SMS NOT SENT (local logging provider)');
    for (const secret of [FAMILY_C_PHONE, 'family-a@home.test', 'approver@district.test', NOTE_A, NOTE_B, NOTE_C])
      expect(log).not.toContain(secret);

    // Let the queue drain (the last webhook retries) so the set of sent notifications is final.
    await waitFor(
      async () => expect([...(await deliveries('pending')), ...(await deliveries('sending'))]).toEqual([]),
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    const sent = (await deliveries('sent')).flatMap((d) => d.notificationIds);
    expect(new Set(sent).size).toBe(sent.length);
    const events = (await collectMessages(brokers, NOTIFICATIONS_TOPIC, { timeoutMs: 8_000 })).filter(
      (e) => e.headers['ce_districtid'] === district,
    );
    const data = events.map((e) => JSON.parse(e.value ?? 'null') as { notificationId: string });
    for (const d of data) expect(validateInternalEvent(NOTIFICATION_SENT_V1, d).ok).toBe(true);
    expect(data.map((d) => d.notificationId).sort()).toEqual([...sent].sort());
    expect(events.map((e) => e.value).join('')).not.toMatch(/@|\+1555/);
  });

  afterAll(() => {
    // Which inputs were checked against their producer's schema and which only against internal-events.ts here.
    console.log(`notifications e2e input validation: ${JSON.stringify(validatedBy)}`);
  });
});

// The one window SMTP leaves open: the server answered 250 to DATA and the process died before "sent" committed.
// A real dispatcher in a child process is SIGKILLed right after the 250 (crash-window.child.ts); the restart resends
// with the identical Message-ID recorded at the first attempt (even though the configured domain changed), so the
// receiving side counts one message by Message-ID. Real Postgres (runtime role, RLS), real SMTP server.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { DataSource, EntityManager } from 'typeorm';
import { address, resolveSettings } from '@tutoring/notifications/domain';
import {
  DeliveryStore,
  NOTIFICATIONS_MIGRATIONS,
  ReadModelStore,
  SmtpEmailSender,
} from '@tutoring/notifications/infrastructure';
import { NOTIFICATION_SENT_V1 } from '@tutoring/shared/contracts';
import { silentLogger } from '@tutoring/shared/messaging';
import {
  applyMigrations,
  createServiceDataSource,
  inTenantTransaction,
  provisionServiceDatabase,
} from '@tutoring/shared/persistence';
import { freshDatabase, FreshDatabase } from '@tutoring/shared/testing';
import { DEFAULT_DISPATCHER_OPTIONS, Dispatcher } from './dispatcher.service';

const ROOT = join(__dirname, '..', '..', '..', '..', '..');
const schema = 'notifications';
const district = randomUUID();
const now = new Date('2026-11-18T18:00:00Z');
const LEASE_MS = 60_000;

interface Received {
  messageId: string;
  deliveryId: string;
}

describe('SMTP accepted, process killed before "sent" commits (real SIGKILL, real SMTP server)', () => {
  let db: FreshDatabase;
  let ds: DataSource;
  let runtimeUrl: string;
  let smtp: SMTPServer;
  let smtpPort: number;
  const received: Received[] = [];
  const deliveries = new DeliveryStore(schema);
  const inDistrict = <T>(work: (m: EntityManager) => Promise<T>) => inTenantTransaction(ds, district, work);

  beforeAll(async () => {
    db = await freshDatabase('notifications-crash-window');
    const urls = await provisionServiceDatabase(db.url, schema);
    runtimeUrl = urls.runtimeUrl;
    const config = { url: urls.runtimeUrl, migrationUrl: urls.migrationUrl, schema, applicationName: 'test' };
    await applyMigrations(config, NOTIFICATIONS_MIGRATIONS);
    ds = createServiceDataSource(config);
    await ds.initialize();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, callback) {
        void simpleParser(stream).then((mail) => {
          const header = mail.headers.get('x-tutoring-delivery-id');
          received.push({ messageId: mail.messageId ?? '', deliveryId: typeof header === 'string' ? header : '' });
          callback(); // 250
        }, callback);
      },
    });
    smtp.on('error', () => undefined); // the killed client drops its connection without QUIT
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    smtpPort = (smtp.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    await ds?.destroy();
    await db?.drop();
  });

  it('resends once, with the Message-ID recorded before the first send; one message by Message-ID', async () => {
    // One decided notification, batched into one pending email delivery.
    const decisions = address(
      'payout_statement_issued',
      'statement:crash-window',
      {
        statementId: 's',
        contractId: 'c',
        vendorId: 'v',
        kind: 'base',
        periodStart: '2026-10-01',
        periodEnd: '2026-10-31',
        totalCents: 100,
        currency: 'USD',
        lineCount: 1,
      },
      [{ recipientId: 'fin-1', channel: 'email', language: 'en', timeZone: null, optedOutRules: [] }],
      {
        settings: resolveSettings({ quietHours: null, rules: { payout_statement_issued: { digestMinutes: 0 } } }),
        now,
        districtZone: 'UTC',
      },
    );
    const deliveryId = await inDistrict(async (m) => {
      const [notificationId] = await deliveries.saveDecisions(m, district, decisions);
      return deliveries.createDelivery(
        m,
        district,
        {
          recipientId: 'fin-1',
          channel: 'email',
          address: 'fin@district.test',
          language: 'en',
          subject: 'Payout statement',
          body: 'A statement is ready.',
          notificationIds: [notificationId ?? ''],
          status: 'pending',
        },
        now,
      );
    });
    const sentEvents = async () =>
      (
        (await ds.query(`SELECT count(*)::int AS n FROM ${schema}.outbox WHERE payload->>'type' = $1`, [
          NOTIFICATION_SENT_V1,
        ])) as { n: number }[]
      )[0]?.n;

    // 1. The child claims, sends, gets 250 and is SIGKILLed before it can record "sent".
    const child = spawn(
      process.execPath,
      ['-r', join(ROOT, 'tools', 'register.js'), join(__dirname, 'crash-window.child.ts')],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          CRASH_DATABASE_URL: runtimeUrl,
          CRASH_SCHEMA: schema,
          CRASH_SMTP_PORT: String(smtpPort),
          CRASH_DISTRICT_ID: district,
          CRASH_NOW: now.toISOString(),
          CRASH_LEASE_MS: String(LEASE_MS),
          CRASH_MESSAGE_ID_DOMAIN: 'first.example',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    expect({ ...exit, stderr }).toEqual({ code: null, signal: 'SIGKILL', stderr: '' });
    const firstMessageId = `<${deliveryId}@first.example>`;
    expect(received).toEqual([{ messageId: firstMessageId, deliveryId }]);
    // What the crash left: a claimed delivery, an open attempt with its Message-ID, no NotificationSent.
    const [left] = await inDistrict((m) => deliveries.list(m, {}, 10, 0));
    expect([left?.status, left?.attempts, left?.messageId]).toEqual(['sending', 1, firstMessageId]);
    expect(await inDistrict((m) => deliveries.attempts(m, deliveryId))).toEqual([
      { attempt: 1, messageId: firstMessageId, outcome: null },
    ]);
    expect(await sentEvents()).toBe(0);

    // 2. Restart (the configured Message-ID domain has changed meanwhile): nothing before the lease ends, then one resend.
    const email = new SmtpEmailSender({
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      from: 'notifications@tutoring.invalid',
      messageIdDomain: 'second.example',
    });
    const restarted = new Dispatcher(
      ds,
      schema,
      new ReadModelStore(schema),
      deliveries,
      [email],
      silentLogger,
      { ...DEFAULT_DISPATCHER_OPTIONS, leaseMs: LEASE_MS, messageIdDomain: 'second.example' },
      randomUUID,
    );
    expect(await restarted.dispatch(district, () => new Date(now.getTime() + LEASE_MS - 1_000))).toBe(0);
    expect(await restarted.dispatch(district, () => new Date(now.getTime() + LEASE_MS + 1_000))).toBe(1);
    expect(await restarted.dispatch(district, () => new Date(now.getTime() + 10 * LEASE_MS))).toBe(0);
    email.close();

    // Transport: twice (at-least-once in that window), byte-identical Message-ID: once by Message-ID.
    expect(received).toEqual([
      { messageId: firstMessageId, deliveryId },
      { messageId: firstMessageId, deliveryId },
    ]);
    expect(new Set(received.map((r) => r.messageId)).size).toBe(1);
    const [done] = await inDistrict((m) => deliveries.list(m, {}, 10, 0));
    expect([done?.status, done?.attempts, done?.messageId]).toEqual(['sent', 2, firstMessageId]);
    expect(await inDistrict((m) => deliveries.attempts(m, deliveryId))).toEqual([
      { attempt: 1, messageId: firstMessageId, outcome: 'interrupted' },
      { attempt: 2, messageId: firstMessageId, outcome: 'accepted' },
    ]);
    expect(await sentEvents()).toBe(1); // NotificationSent once per notification, not per transport copy
    expect((await inDistrict((m) => deliveries.counts(m))).attempts).toEqual({ interrupted: 1, accepted: 1 });
  });
});

import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { address, DEFAULT_SETTINGS, resolveSettings } from '@tutoring/notifications/domain';
import {
  applyMigrations,
  createServiceDataSource,
  inTenantTransaction,
  provisionServiceDatabase,
} from '@tutoring/shared/persistence';
import { freshDatabase, FreshDatabase } from '@tutoring/shared/testing';
import { NOTIFICATIONS_MIGRATIONS } from '../migrations/index';
import { DeliveryStore } from './delivery.store';
import { DirectoryStore } from './directory.store';
import { notificationId } from './ids';

const schema = 'notifications';
const districtA = randomUUID();
const districtB = randomUUID();
const payload = {
  statementId: 's',
  contractId: 'c',
  vendorId: 'v',
  kind: 'base',
  periodStart: 'a',
  periodEnd: 'b',
  totalCents: 100,
  currency: 'USD',
  lineCount: 1,
};
const now = new Date('2026-11-18T18:00:00Z');

describe('notification and delivery stores (real Postgres, runtime role, RLS)', () => {
  let db: FreshDatabase;
  let ds: DataSource;
  const deliveries = new DeliveryStore(schema);
  const directory = new DirectoryStore(schema);
  const inA = <T>(work: (m: EntityManager) => Promise<T>) => inTenantTransaction(ds, districtA, work);
  const inB = <T>(work: (m: EntityManager) => Promise<T>) => inTenantTransaction(ds, districtB, work);
  const decide = (sourceKey: string) =>
    address(
      'payout_statement_issued',
      sourceKey,
      payload,
      [{ recipientId: 'fin-1', channel: 'email', language: 'en', timeZone: null, optedOutRules: [] }],
      {
        settings: resolveSettings({ quietHours: null, rules: { payout_statement_issued: { digestMinutes: 0 } } }),
        now,
        districtZone: 'UTC',
      },
    );

  beforeAll(async () => {
    db = await freshDatabase('notifications-store');
    const urls = await provisionServiceDatabase(db.url, schema);
    const config = { url: urls.runtimeUrl, migrationUrl: urls.migrationUrl, schema, applicationName: 'test' };
    await applyMigrations(config, NOTIFICATIONS_MIGRATIONS);
    ds = createServiceDataSource(config);
    await ds.initialize();
    await inA((m) =>
      directory.upsertRecipient(
        m,
        districtA,
        {
          recipientId: 'fin-1',
          channel: 'email',
          address: 'fin@a.test',
          language: null,
          timeZone: null,
          optedOutRules: [],
        },
        now,
      ),
    );
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('given the same decision twice (a redelivered or replayed event), then one notification exists', async () => {
    const first = await inA((m) => deliveries.saveDecisions(m, districtA, decide('statement:1')));
    const again = await inA((m) => deliveries.saveDecisions(m, districtA, decide('statement:1')));
    expect(first).toEqual([notificationId('payout_statement_issued', 'statement:1', 'fin-1', 'email')]);
    expect(again).toEqual([]);
    expect((await inA((m) => deliveries.counts(m))).notifications).toEqual({ pending: 1 });
  });

  it('given another district, then it sees none of these rows, and cannot write into district A', async () => {
    expect(await inB((m) => deliveries.counts(m))).toEqual({ notifications: {}, deliveries: {}, attempts: {} });
    expect(await inB((m) => directory.recipient(m, 'fin-1'))).toEqual([]);
    await expect(inB((m) => deliveries.saveDecisions(m, districtA, decide('statement:x')))).rejects.toThrow(
      /row-level security/,
    );
    // Outside a tenant transaction the runtime role sees nothing at all.
    expect(await ds.query(`SELECT count(*)::int AS n FROM ${schema}.notifications`)).toEqual([{ n: 0 }]);
  });

  it('given a claimed delivery, then nobody else claims it until its lease ends; then it is claimed again (crash recovery)', async () => {
    const [due] = await inA((m) => deliveries.dueNotifications(m, now, 10));
    expect(due).toBeDefined();
    if (!due) return;
    await inA((m) =>
      deliveries.createDelivery(
        m,
        districtA,
        {
          recipientId: 'fin-1',
          channel: 'email',
          address: 'fin@a.test',
          language: 'en',
          subject: 's',
          body: 'b',
          notificationIds: [due.notificationId],
          status: 'pending',
        },
        now,
      ),
    );
    expect(await inA((m) => deliveries.dueNotifications(m, now, 10))).toEqual([]); // batched once only
    const [claimed] = await inA((m) => deliveries.claim(m, now, 60_000, 10));
    expect(claimed?.attempts).toBe(1);
    expect(await inA((m) => deliveries.claim(m, new Date(now.getTime() + 59_000), 60_000, 10))).toEqual([]);
    const [reclaimed] = await inA((m) => deliveries.claim(m, new Date(now.getTime() + 61_000), 60_000, 10));
    expect(reclaimed?.deliveryId).toBe(claimed?.deliveryId);
    expect(reclaimed?.attempts).toBe(2);
    // The Message-ID was fixed and recorded at the first claim; the expired one is known as interrupted.
    expect(claimed?.messageId).toBe(`<${claimed?.deliveryId}@notifications.tutoring.invalid>`);
    expect([reclaimed?.messageId, claimed?.interruptedAttempts, reclaimed?.interruptedAttempts]).toEqual([
      claimed?.messageId,
      0,
      1,
    ]);
    expect(await inA((m) => deliveries.markSent(m, claimed?.deliveryId ?? '', now))).toBe(true);
    expect(await inA((m) => deliveries.markSent(m, claimed?.deliveryId ?? '', now))).toBe(false);
    expect((await inA((m) => deliveries.attempts(m, claimed?.deliveryId ?? ''))).map((a) => a.outcome)).toEqual([
      'interrupted',
      'accepted',
    ]);
    expect(await inA((m) => deliveries.claim(m, new Date(now.getTime() + 3_600_000), 60_000, 10))).toEqual([]);
  });

  it('given failures, then the delivery is retried at the backoff time and ends dead; an admin can requeue it', async () => {
    await inA((m) => deliveries.saveDecisions(m, districtA, decide('statement:2')));
    const [due] = await inA((m) => deliveries.dueNotifications(m, now, 10));
    const id = await inA((m) =>
      deliveries.createDelivery(
        m,
        districtA,
        {
          recipientId: 'fin-1',
          channel: 'email',
          address: 'fin@a.test',
          language: 'en',
          subject: 's',
          body: 'b',
          notificationIds: [due?.notificationId ?? ''],
          status: 'pending',
        },
        now,
      ),
    );
    await inA((m) => deliveries.claim(m, now, 60_000, 10));
    await inA((m) => deliveries.markFailed(m, id, 'SMTP 421', new Date(now.getTime() + 5_000)));
    expect(await inA((m) => deliveries.claim(m, new Date(now.getTime() + 4_000), 60_000, 10))).toEqual([]);
    expect(
      (await inA((m) => deliveries.claim(m, new Date(now.getTime() + 5_000), 60_000, 10))).map((d) => d.deliveryId),
    ).toEqual([id]);
    await inA((m) => deliveries.markFailed(m, id, 'SMTP 550', null));
    const dead = await inA((m) => deliveries.list(m, { status: 'dead' }, 50, 0));
    expect(dead.map((d) => [d.deliveryId, d.lastError])).toEqual([[id, 'SMTP 550']]);
    expect(await inA((m) => deliveries.requeue(m, id, now))).toBe(true);
    expect((await inA((m) => deliveries.list(m, { status: 'dead' }, 50, 0))).length).toBe(0);
  });

  it('given a claimed delivery given back at shutdown, then it is pending again and the claim does not count as an attempt', async () => {
    await inA((m) => deliveries.saveDecisions(m, districtA, decide('statement:3')));
    const [due] = await inA((m) => deliveries.dueNotifications(m, now, 10));
    const id = await inA((m) =>
      deliveries.createDelivery(
        m,
        districtA,
        {
          recipientId: 'fin-1',
          channel: 'email',
          address: 'fin@a.test',
          language: 'en',
          subject: 's',
          body: 'b',
          notificationIds: [due?.notificationId ?? ''],
          status: 'pending',
        },
        now,
      ),
    );
    const claimed = await inA((m) => deliveries.claim(m, now, 60_000, 10)); // with the requeued one of the test above
    expect(claimed.map((d) => d.deliveryId)).toContain(id);
    for (const d of claimed) await inA((m) => deliveries.release(m, d.deliveryId));
    const again = await inA((m) => deliveries.claim(m, now, 60_000, 10)); // no lease to wait for
    expect(again.find((d) => d.deliveryId === id)?.attempts).toBe(1);
    expect(again.find((d) => d.deliveryId === id)?.interruptedAttempts).toBe(0); // given back, not interrupted
    expect((await inA((m) => deliveries.attempts(m, id))).map((a) => [a.attempt, a.outcome])).toEqual([[1, null]]);
  });

  it('stores settings as a patch over the defaults', async () => {
    await inA((m) => directory.saveSettings(m, districtA, { dosage: { consecutiveWeeks: 3 } }, 'admin', now));
    const settings = await inA((m) => directory.settings(m, districtA));
    expect(settings.dosage.consecutiveWeeks).toBe(3);
    expect(settings.quietHours).toEqual(DEFAULT_SETTINGS.quietHours);
    expect((await inB((m) => directory.settings(m, districtB))).dosage.consecutiveWeeks).toBe(2);
  });
});

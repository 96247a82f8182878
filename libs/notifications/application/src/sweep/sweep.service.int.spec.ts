import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  DeliveryStore,
  DirectoryStore,
  NOTIFICATIONS_MIGRATIONS,
  ReadModelStore,
} from '@tutoring/notifications/infrastructure';
import {
  DOSAGE_BELOW_TARGET_V1,
  ENROLMENT_CHANGED_V1,
  LEDGER_SESSION_RECORDED_V1,
  DISTRICT_CONFIGURED_V1,
} from '@tutoring/shared/contracts';
import { silentLogger } from '@tutoring/shared/messaging';
import {
  applyMigrations,
  createServiceDataSource,
  inTenantTransaction,
  provisionServiceDatabase,
} from '@tutoring/shared/persistence';
import { freshDatabase, FreshDatabase } from '@tutoring/shared/testing';
import { EventDecisions } from '../events/event-decisions';
import { SweepService } from './sweep.service';

const schema = 'notifications';
const district = randomUUID();
const school = randomUUID();
const vendor = randomUUID();
const student = randomUUID();
const enrolment = randomUUID();

describe('event decisions and sweep (real Postgres, runtime role): quiet hours, digests, replay, weekly once', () => {
  let db: FreshDatabase;
  let ds: DataSource;
  const readModels = new ReadModelStore(schema);
  const directory = new DirectoryStore(schema);
  const deliveries = new DeliveryStore(schema);
  const decisions = new EventDecisions(readModels, directory, deliveries);
  let sweeps: SweepService;
  const tx = <T>(work: (m: EntityManager) => Promise<T>) => inTenantTransaction(ds, district, work);
  const handle = (type: Parameters<EventDecisions['handle']>[1], data: object, mode: 'live' | 'replay', now: Date) =>
    tx((m) => decisions.handle(m, type, data as Record<string, unknown>, district, mode, now));
  const dosage = (studentId: string) => ({
    districtId: district,
    studentId,
    schoolId: school,
    programId: null,
    isoWeek: '2026-W47',
    attendedMinutes: 0,
    targetMinutes: 90,
    consecutiveWeeks: 2,
  });
  const session = (sessionId: string, localDate: string) => ({
    ledgerPosition: Number(sessionId.replace(/\D/g, '')) || 1,
    districtId: district,
    vendorId: vendor,
    sessionId,
    streamVersion: 1,
    kind: 'delivered',
    tutorId: null,
    groupId: null,
    scheduledSessionId: null,
    subject: 'math',
    startedAt: null,
    endedAt: null,
    localDate,
    lines: [
      {
        studentId: student,
        status: 'present',
        minutes: 30,
        billable: false,
        exceptionCodes: ['outside_plausible_hours'],
      },
    ],
    notes: [{ studentId: student, skill: '3.NF.A.1', progress: 'progressing', comment: 'fractions' }],
    recordedAt: '2026-11-18T22:00:00Z',
  });

  beforeAll(async () => {
    db = await freshDatabase('notifications-sweep');
    const urls = await provisionServiceDatabase(db.url, schema);
    const config = { url: urls.runtimeUrl, migrationUrl: urls.migrationUrl, schema, applicationName: 'test' };
    await applyMigrations(config, NOTIFICATIONS_MIGRATIONS);
    ds = createServiceDataSource(config);
    await ds.initialize();
    sweeps = new SweepService(ds, readModels, directory, deliveries, silentLogger);
    const at = new Date('2026-11-01T00:00:00Z');
    await tx(async (m) => {
      await readModels.registerTenant(m, district);
      await directory.upsertRecipient(
        m,
        district,
        {
          recipientId: 'lead-1',
          channel: 'email',
          address: 'lead@x.test',
          language: null,
          timeZone: null,
          optedOutRules: [],
        },
        at,
      );
      await directory.assignRole(m, district, 'site_lead', school, 'lead-1');
      await directory.upsertRecipient(
        m,
        district,
        {
          recipientId: vendor,
          channel: 'email',
          address: 'v@x.test',
          language: null,
          timeZone: null,
          optedOutRules: [],
        },
        at,
      );
      await directory.assignRole(m, district, 'vendor_contact', vendor, vendor);
      await directory.upsertRecipient(
        m,
        district,
        {
          recipientId: enrolment,
          channel: 'email',
          address: 'f@x.test',
          language: null,
          timeZone: null,
          optedOutRules: [],
        },
        at,
      );
      await directory.assignRole(m, district, 'family', enrolment, enrolment);
    });
    await handle(DISTRICT_CONFIGURED_V1, { districtId: district, timeZone: 'America/Chicago' }, 'live', at);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('given a dosage alert decided at 21:30 Chicago, then no delivery before 07:00 local, one at 07:00', async () => {
    const night = new Date('2026-11-19T03:30:00Z'); // 21:30 CST
    expect(await handle(DOSAGE_BELOW_TARGET_V1, dosage(student), 'live', night)).toBe(1);
    expect(await sweeps.batchAll(new Date('2026-11-19T12:59:00Z'))).toBe(0); // 06:59 CST
    expect(await sweeps.batchAll(new Date('2026-11-19T13:00:00Z'))).toBe(1); // 07:00 CST
  });

  it('given the same event again, or in replay mode, then nothing new is decided', async () => {
    const noon = new Date('2026-11-19T18:00:00Z');
    expect(await handle(DOSAGE_BELOW_TARGET_V1, dosage(student), 'live', noon)).toBe(0);
    expect(await handle(DOSAGE_BELOW_TARGET_V1, dosage(randomUUID()), 'replay', noon)).toBe(0);
    expect(await handle(LEDGER_SESSION_RECORDED_V1, session('s-100', '2026-11-17'), 'replay', noon)).toBe(0);
    expect((await tx((m) => deliveries.counts(m))).notifications).toEqual({ batched: 1 });
  });

  it('given two sessions with exceptions within the digest window, then the vendor gets one message about both', async () => {
    const noon = new Date('2026-11-19T18:00:00Z');
    expect(await handle(LEDGER_SESSION_RECORDED_V1, session('s-101', '2026-11-17'), 'live', noon)).toBe(1);
    expect(
      await handle(
        LEDGER_SESSION_RECORDED_V1,
        session('s-102', '2026-11-18'),
        'live',
        new Date(noon.getTime() + 20 * 60_000),
      ),
    ).toBe(1);
    expect(await sweeps.batchAll(new Date(noon.getTime() + 59 * 60_000))).toBe(0);
    expect(await sweeps.batchAll(new Date(noon.getTime() + 60 * 60_000))).toBe(1); // the first one's window: both go
    const [digest] = await tx((m) => deliveries.list(m, { recipientIds: [vendor] }, 10, 0));
    expect(digest?.notificationIds).toHaveLength(2);
    expect(digest?.subject).toBe('2 tutoring updates');
    expect(digest?.body).toContain('s-101');
    expect(digest?.body).toContain('s-102');
  });

  it('given an enrolled family, then its weekly summary is decided once per week, whatever the number of sweeps', async () => {
    await handle(
      ENROLMENT_CHANGED_V1,
      {
        enrolmentId: enrolment,
        districtId: district,
        studentId: student,
        schoolId: school,
        programId: randomUUID(),
        vendorId: vendor,
        status: 'enrolled',
        consent: 'granted',
        startDate: '2026-09-01',
        endDate: null,
        reason: null,
        contactPreferences: { language: 'es', channel: 'email' },
        changedAt: '2026-09-01T00:00:00Z',
      },
      'live',
      new Date('2026-11-19T18:00:00Z'),
    );
    const tuesday = new Date('2026-11-24T18:00:00Z'); // week 47 ended Sunday; default delay 24 h has passed
    const first = await sweeps.sweep(district, tuesday);
    const again = await sweeps.sweep(district, new Date(tuesday.getTime() + 3_600_000));
    expect(first.decided).toBe(1);
    expect(again.decided).toBe(0);
    const family = await tx((m) => deliveries.list(m, { recipientIds: [enrolment] }, 10, 0));
    expect(family).toHaveLength(1);
    expect(family[0]?.language).toBe('es');
    expect(family[0]?.body).toContain('asistió a 3 sesión(es)');
    expect(family[0]?.body).not.toContain(student);
    expect((await sweeps.sweep(district, new Date('2026-12-01T18:00:00Z'))).decided).toBe(1); // next week, next summary
  });

  it('given a rebuild in progress for the district, then the sweep decides nothing from the half-built read models', async () => {
    const rebuildId = randomUUID();
    await tx((m) =>
      m.query(
        `INSERT INTO ${schema}.rebuilds (rebuild_id, district_id, started_at, watermarks) VALUES ($1, $2, now(), '{}')`,
        [rebuildId, district],
      ),
    );
    const nextWeek = new Date('2026-12-08T18:00:00Z');
    expect((await sweeps.sweep(district, nextWeek)).decided).toBe(0);
    await tx((m) => m.query(`UPDATE ${schema}.rebuilds SET finished_at = now() WHERE rebuild_id = $1`, [rebuildId]));
    expect((await sweeps.sweep(district, nextWeek)).decided).toBe(1);
  });
});

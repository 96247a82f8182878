import { randomUUID } from 'node:crypto';
import { Global, Module, type INestApplication } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { startDevIssuer, type DevIssuer } from '@tutoring/shared/auth';
import {
  applyMigrations,
  createServiceDataSource,
  inTenantTransaction,
  provisionServiceDatabase,
} from '@tutoring/shared/persistence';
import { DATA_SOURCE } from '@tutoring/shared/runtime';
import { bootstrapService } from '@tutoring/shared/service-kit';
import { freshDatabase, type FreshDatabase } from '@tutoring/shared/testing';
import { auditLogMigration } from './audit-log.migration';
import { AuditLog, type AuditEntry } from './audit-log';
import { AuditModule } from './audit.module';

const SCHEMA = 'audit_svc';
const Migration = auditLogMigration('AuditLog1700000000050');
const districtA = randomUUID();
const districtB = randomUUID();
const student = randomUUID();

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  actor: { sub: 'admin-a', roles: ['district_admin'] },
  action: 'read',
  resourceType: 'student',
  resourceIds: [student],
  purpose: 'GET /v1/students/:id: roster review',
  requestId: 'req-1',
  ...over,
});

describe('audit log (real Postgres, runtime role)', () => {
  let db: FreshDatabase;
  let runtime: DataSource;
  let owner: DataSource;

  beforeAll(async () => {
    db = await freshDatabase('audit');
    const urls = await provisionServiceDatabase(db.url, SCHEMA);
    const config = {
      url: urls.runtimeUrl,
      migrationUrl: urls.migrationUrl,
      schema: SCHEMA,
      applicationName: 'audit-test',
    };
    await applyMigrations(config, [Migration]);
    runtime = createServiceDataSource(config);
    owner = createServiceDataSource({ ...config, url: urls.migrationUrl });
    await Promise.all([runtime.initialize(), owner.initialize()]);
    await inTenantTransaction(runtime, districtA, (m) => AuditLog.record(m, entry()));
    await inTenantTransaction(runtime, districtB, (m) =>
      AuditLog.record(m, entry({ actor: { sub: 'admin-b', roles: ['district_admin'] }, resourceIds: [randomUUID()] })),
    );
  });

  afterAll(async () => {
    await runtime?.destroy();
    await owner?.destroy();
    await db?.drop();
  });

  it('records inside the caller transaction, with the tenant of the transaction', async () => {
    const page = await inTenantTransaction(runtime, districtA, (m) => AuditLog.query(m, { limit: 10 }));
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      districtId: districtA,
      actorSub: 'admin-a',
      actorRoles: ['district_admin'],
      action: 'read',
      resourceType: 'student',
      resourceIds: [student],
      requestId: 'req-1',
    });
  });

  it('a rolled-back transaction leaves no entry behind (the entry shares the fate of the work)', async () => {
    await expect(
      inTenantTransaction(runtime, districtA, async (m) => {
        await AuditLog.record(m, entry({ purpose: 'doomed' }));
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    const rows = await inTenantTransaction(runtime, districtA, (m) =>
      m.query(`SELECT 1 FROM audit_log WHERE purpose = 'doomed'`),
    );
    expect(rows).toHaveLength(0);
  });

  it('the runtime role cannot UPDATE, DELETE or TRUNCATE entries, not even its own district', async () => {
    for (const sql of [`UPDATE audit_log SET purpose = 'rewritten'`, 'DELETE FROM audit_log', 'TRUNCATE audit_log']) {
      await expect(inTenantTransaction(runtime, districtA, (m) => m.query(sql))).rejects.toThrow(/permission denied/);
    }
    const grants = (await owner.query(
      `SELECT privilege_type FROM information_schema.role_table_grants
        WHERE table_schema = $1 AND table_name = 'audit_log' AND grantee = $2 ORDER BY 1`,
      [SCHEMA, `${SCHEMA}_app`],
    )) as { privilege_type: string }[];
    expect(grants.map((g) => g.privilege_type)).toEqual(['INSERT', 'SELECT']);
  });

  it('even the owner is refused by the append-only trigger', async () => {
    for (const sql of [`UPDATE audit_log SET purpose = 'rewritten'`, 'DELETE FROM audit_log', 'TRUNCATE audit_log']) {
      await expect(inTenantTransaction(owner, districtA, (m) => m.query(sql))).rejects.toThrow(/append-only/);
    }
  });

  it('district B cannot see district A entries, nor write an entry into district A', async () => {
    const seenByB = await inTenantTransaction(runtime, districtB, (m) => AuditLog.query(m, { limit: 10 }));
    expect(seenByB.items.map((i) => i.districtId)).toEqual([districtB]);
    expect(JSON.stringify(seenByB)).not.toContain(student);
    await expect(
      inTenantTransaction(runtime, districtB, (m) => AuditLog.record(m, entry({ districtId: districtA }))),
    ).rejects.toThrow(/row-level security/);
  });

  it('without a tenant nothing is visible and nothing can be written', async () => {
    expect(await runtime.query('SELECT count(*)::int AS n FROM audit_log')).toEqual([{ n: 0 }]);
    await expect(runtime.transaction((m) => AuditLog.record(m, entry()))).rejects.toThrow(
      /null value|row-level security/,
    );
  });

  it('refuses entries without a purpose or with an unknown action', async () => {
    await expect(
      inTenantTransaction(runtime, districtA, (m) => AuditLog.record(m, entry({ purpose: ' ' }))),
    ).rejects.toThrow(/purpose/);
    await expect(
      inTenantTransaction(runtime, districtA, (m) => AuditLog.record(m, entry({ action: 'peek' as never }))),
    ).rejects.toThrow(/unknown action/);
  });

  describe('GET /v1/audit', () => {
    let app: INestApplication;
    let issuer: DevIssuer;
    let base: string;
    const token = (roles: string[], district: string) =>
      issuer.mintToken({ sub: `u-${roles[0]}`, roles, district_id: district });
    const get = async (path: string, bearer?: string) => {
      const res = await fetch(`${base}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
      return {
        status: res.status,
        body: (await res.json()) as { items: { districtId: string; id: string }[]; nextCursor: string | null },
      };
    };

    beforeAll(async () => {
      issuer = await startDevIssuer({ audience: 'audit-test', log: () => undefined });
      for (let i = 0; i < 4; i++) {
        await inTenantTransaction(runtime, districtA, (m) =>
          AuditLog.record(m, entry({ action: 'update', resourceType: 'enrollment', resourceIds: [`e-${i}`] })),
        );
      }
      @Global()
      @Module({ providers: [{ provide: DATA_SOURCE, useValue: runtime }], exports: [DATA_SOURCE] })
      class TestRuntimeModule {}
      @Module({ imports: [TestRuntimeModule, AuditModule] })
      class TestAppModule {}
      app = await bootstrapService({
        name: 'audit-test',
        module: TestAppModule,
        handleSignals: false,
        config: {
          PORT: 0,
          HOST: '127.0.0.1',
          LOG_LEVEL: 'silent',
          OIDC_ISSUER: issuer.issuer,
          OIDC_AUDIENCE: 'audit-test',
          OIDC_JWKS_URL: issuer.jwksUrl,
          OIDC_ALGORITHMS: ['RS256'],
          SHUTDOWN_GRACE_MS: 1000,
        },
      });
      base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    });

    afterAll(async () => {
      await app?.close();
      await issuer?.stop();
    });

    it('is for district admins only', async () => {
      expect((await get('/v1/audit')).status).toBe(401);
      for (const role of ['program_manager', 'teacher', 'finance']) {
        expect((await get('/v1/audit', await token([role], districtA))).status).toBe(403);
      }
    });

    it('pages newest first, filters, and shows only the caller district', async () => {
      const adminA = await token(['district_admin'], districtA);
      const first = await get('/v1/audit?limit=2&action=update', adminA);
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(2);
      const second = await get(`/v1/audit?limit=2&action=update&cursor=${first.body.nextCursor ?? ''}`, adminA);
      expect(second.body.items).toHaveLength(2);
      expect(second.body.nextCursor).toBeNull();
      const ids = [...first.body.items, ...second.body.items].map((i) => Number(i.id));
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      const byStudent = await get(`/v1/audit?resourceId=${student}`, adminA);
      expect(byStudent.body.items).toHaveLength(1);

      const adminB = await token(['district_admin'], districtB);
      const all = await get('/v1/audit?limit=200', adminB);
      expect(all.body.items.map((i) => i.districtId)).toEqual([districtB]);
    });

    it('reading the audit log is itself on record', async () => {
      const adminA = await token(['district_admin'], districtA);
      await get('/v1/audit?limit=1', adminA);
      const reads = await get('/v1/audit?resourceType=audit_log', adminA);
      expect(reads.body.items.length).toBeGreaterThanOrEqual(1);
      expect(reads.body.items.every((i) => i.districtId === districtA)).toBe(true);
    });

    it('refuses unknown filters and oversized pages with 400', async () => {
      const adminA = await token(['district_admin'], districtA);
      expect((await get('/v1/audit?districtId=' + districtB, adminA)).status).toBe(400);
      expect((await get('/v1/audit?limit=201', adminA)).status).toBe(400);
    });
  });
});

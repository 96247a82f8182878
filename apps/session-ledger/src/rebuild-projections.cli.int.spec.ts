import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import {
  LedgerProjector,
  LedgerStore,
  ReadModelSnapshot,
  SESSION_LEDGER_MIGRATIONS,
} from '@tutoring/session-ledger/infrastructure';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { FreshDatabase, migratedServiceDatabase } from '@tutoring/shared/testing';

const run = promisify(execFile);
const root = join(__dirname, '..', '..', '..');

const D1 = '0c0c0c0c-0000-4000-8000-000000000001';
const D2 = '0c0c0c0c-0000-4000-8000-000000000002';
const VENDOR = '0c0c0c0c-0000-4000-8000-00000000000a';
const TUTOR = '0c0c0c0c-0000-4000-8000-00000000000b';
const student = (n: number): string => `0c0c0c0c-0000-4000-8000-${String(100 + n).padStart(12, '0')}`;

describe('npm run ledger:rebuild (CLI against a real Postgres)', () => {
  let db: FreshDatabase;
  let ds: DataSource;
  let runtimeUrl: string;
  let projector: LedgerProjector;
  const ledger = new LedgerStore('session_ledger');

  const cli = (env: Record<string, string | undefined>) =>
    run('node', ['-r', './tools/register.js', 'apps/session-ledger/src/rebuild-projections.cli.ts'], {
      cwd: root,
      env: { PATH: process.env['PATH'], ...env },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  /** Sessions of 3 students each; every third corrected (one student absent), every fifth voided. */
  const seed = async (districtId: string, sessions: number): Promise<number> => {
    let entries = 0;
    for (let i = 0; i < sessions; i++) {
      const sessionId = `${districtId.slice(-1)}-s${i}`;
      const attendance = [0, 1, 2].map((k) => ({
        studentId: student((i + k) % 7),
        status: 'present',
        minutes: 30 + k,
      }));
      const versions: { type: string; data: Record<string, unknown>; lines: typeof attendance }[] = [
        { type: 'delivered', data: {}, lines: attendance },
      ];
      if (i % 3 === 0)
        versions.push({
          type: 'corrected',
          data: {},
          lines: attendance.map((a, k) => (k === 0 ? { ...a, status: 'absent_excused', minutes: 0 } : a)),
        });
      if (i % 5 === 0) versions.push({ type: 'voided', data: { reason: 'duplicate report' }, lines: [] });
      for (const [v, version] of versions.entries()) {
        await inTenantTransaction(ds, districtId, (m) =>
          ledger.append(m, {
            vendorId: VENDOR,
            sessionId,
            expectedVersion: v,
            eventId: `${sessionId}-${v + 1}`,
            eventType: `org.tutoring.session.${version.type}.v1`,
            schemaVersion: 1,
            districtId,
            data: { sessionId, vendorId: VENDOR, districtId, tutorId: TUTOR, groupId: null, attendance: version.lines },
            metadata: {},
            verdicts: version.lines.map((l) => ({ studentId: l.studentId, billable: true, exceptionCodes: [] })),
            localDate: version.type === 'voided' ? null : `2026-10-${String(5 + (i % 20)).padStart(2, '0')}`,
          }),
        );
        entries++;
      }
    }
    return entries;
  };

  const snapshot = (districtId: string): Promise<ReadModelSnapshot & { slot: string }> =>
    inTenantTransaction(ds, districtId, async (m) => {
      const slot = await projector.store.activeSlot(m);
      return { slot, ...(await projector.store.snapshot(m, districtId, slot)) };
    });

  beforeAll(async () => {
    ({ db, dataSource: ds, runtimeUrl } = await migratedServiceDatabase(
      'ledger_rebuild_cli',
      'session_ledger',
      SESSION_LEDGER_MIGRATIONS,
    ));
    projector = new LedgerProjector(ds, 'session_ledger');
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('rebuilds every district into the other slot, swaps it in, and reads the same rows as before', async () => {
    const entries = (await seed(D1, 40)) + (await seed(D2, 25));
    await projector.catchUp();
    const before = [await snapshot(D1), await snapshot(D2)];
    expect(before.map((s) => s.slot)).toEqual(['a', 'a']);
    expect(before[0]?.dosage.length).toBeGreaterThan(0);

    const result = await cli({ DATABASE_URL: runtimeUrl });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ rebuilt: true, activeSlot: 'b', entries });
    // Progress is logged per district on stderr, as JSON lines.
    expect(result.stderr).toContain('district replayed into the rebuilt slot');
    expect(result.stderr).toContain('aggregate rows derived from the replayed sessions');

    const after = [await snapshot(D1), await snapshot(D2)];
    expect(after.map((s) => s.slot)).toEqual(['b', 'b']);
    expect(after.map(({ slot: _, ...rows }) => rows)).toEqual(before.map(({ slot: _, ...rows }) => rows));
  });

  it('refuses to start while another rebuild holds the lock (exit 75), changing nothing', async () => {
    const holder = new Client({ connectionString: runtimeUrl });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtext('session_ledger.proj_rebuild'))`);
      const slotBefore = (await snapshot(D1)).slot;
      const result = await cli({ DATABASE_URL: runtimeUrl });
      expect(result.code).toBe(75);
      expect(result.stderr).toContain('already running');
      expect(result.stdout).toBe('');
      expect((await snapshot(D1)).slot).toBe(slotBefore);
    } finally {
      await holder.end();
    }
  });

  it('names the missing variable and exits 78 without touching the database', async () => {
    const result = await cli({});
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('DATABASE_URL');
  });
});

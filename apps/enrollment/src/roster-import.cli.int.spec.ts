import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { provisionServiceDatabase } from '@tutoring/shared/persistence';
import { freshDatabase, FreshDatabase } from '@tutoring/shared/testing';

const run = promisify(execFile);
const root = join(__dirname, '..', '..', '..');

describe('npm run roster:import (CLI against a real Postgres)', () => {
  let db: FreshDatabase;
  let env: Record<string, string>;
  let dir: string;
  const district = randomUUID();

  beforeAll(async () => {
    db = await freshDatabase('roster_cli');
    const urls = await provisionServiceDatabase(db.url, 'enrollment');
    env = {
      ...(process.env as Record<string, string>),
      DATABASE_URL: urls.runtimeUrl,
      DATABASE_MIGRATION_URL: urls.migrationUrl,
      DATABASE_SCHEMA: 'enrollment',
      ENROLLMENT_MASTER_KEY: randomBytes(32).toString('base64'),
    };
    dir = mkdtempSync(join(tmpdir(), 'roster-cli-'));
    await run(
      'node',
      [
        '-r',
        './tools/register.js',
        'tools/generators/oneroster/generate-district.ts',
        '--out',
        dir,
        '--students',
        '25',
        '--canary-names',
      ],
      { cwd: root },
    );
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) =>
    run(
      'node',
      [
        '-r',
        './tools/register.js',
        'apps/enrollment/src/roster-import.cli.ts',
        '--district',
        district,
        '--dir',
        dir,
        ...args,
      ],
      { cwd: root, env },
    ).then(
      (r) => ({ code: 0, report: JSON.parse(r.stdout) as Record<string, unknown>, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        report: e.stdout ? (JSON.parse(e.stdout) as Record<string, unknown>) : {},
        stderr: e.stderr,
      }),
    );

  it('imports, then re-imports without a change; a broken file exits 2 with a row-level report', async () => {
    const first = await cli();
    expect(first.code).toBe(0);
    expect(first.report).toMatchObject({ applied: true, students: { created: 25 }, events: 25 });
    const again = await cli();
    expect(again.report).toMatchObject({ applied: true, events: 0, students: { unchanged: 25 } });
    writeFileSync(
      join(dir, 'orgs.csv'),
      'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\nx,,,X,galaxy,,\n',
    );
    const broken = await cli();
    expect(broken.code).toBe(2);
    expect(broken.report).toMatchObject({ valid: false, applied: false });
    expect(broken.report['errors']).toContainEqual({
      file: 'orgs.csv',
      line: 2,
      column: 'type',
      reason: expect.stringContaining('galaxy'),
    });
  });

  it('refuses a malformed master key with exit code 78', async () => {
    const bad = await run(
      'node',
      ['-r', './tools/register.js', 'apps/enrollment/src/roster-import.cli.ts', '--district', district, '--dir', dir],
      {
        cwd: root,
        env: { ...env, ENROLLMENT_MASTER_KEY: 'short' },
      },
    ).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({
      code: 78,
      stderr: expect.stringContaining('ENROLLMENT_MASTER_KEY must be 32 random bytes'),
    });
  });
});

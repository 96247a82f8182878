// resolvePostgres' three sources. The embedded branch starts its own cluster (~1 s with initdb).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPostgres } from './postgres-admin';
import { resolvePostgres } from './resolve-postgres';

jest.setTimeout(120_000);

describe('resolvePostgres', () => {
  const saved = process.env['DATABASE_URL'];
  afterEach(() => {
    if (saved === undefined) delete process.env['DATABASE_URL'];
    else process.env['DATABASE_URL'] = saved;
  });

  it('uses DATABASE_URL when it answers', async () => {
    process.env['DATABASE_URL'] = process.env['TEST_POSTGRES_ADMIN_URL'];
    const pg = await resolvePostgres();
    expect(pg.source).toBe('env');
    await checkPostgres(pg.adminUrl);
  });

  it('fails clearly, without the password, when DATABASE_URL does not answer', async () => {
    process.env['DATABASE_URL'] = 'postgres://someone:hunter2@127.0.0.1:1/nowhere';
    const failure = resolvePostgres();
    await expect(failure).rejects.toThrow(/DATABASE_URL is set \(postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nowhere\) but Postgres did not accept/);
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });

  it('starts an embedded cluster when nothing else answers', async () => {
    delete process.env['DATABASE_URL'];
    const parent = mkdtempSync(join(tmpdir(), 'tutoring-resolve-pg-'));
    chmodSync(parent, 0o755); // as root, postgres runs as another user that must enter it
    const pg = await resolvePostgres({ localCandidates: [], dataDir: join(parent, 'data') });
    try {
      expect(pg.source).toBe('embedded');
      await checkPostgres(pg.adminUrl);
    } finally {
      await pg.stop();
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

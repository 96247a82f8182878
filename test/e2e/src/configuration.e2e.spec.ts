/** A service started with a bad or missing variable stops at once, naming every offending variable. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

describe('configuration is validated at start-up', () => {
  it('exits 78 with one message naming each bad variable, and never echoes a secret', () => {
    const run = spawnSync(
      process.execPath,
      ['-r', join(root, 'tools', 'register.js'), join(root, 'apps', 'session-ledger', 'src', 'main.ts')],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? '',
          PORT: 'abc',
          DATABASE_URL: 'mysql://user:s3cr3t-value@db/x',
          DATABASE_SCHEMA: 'session_ledger',
          KAFKA_CLIENT_ID: 'session-ledger',
          OIDC_ISSUER: 'http://issuer.example',
          OIDC_AUDIENCE: 'tutoring-api',
          OIDC_JWKS_URL: 'http://issuer.example/jwks.json',
          OTEL_SERVICE_NAME: 'session-ledger',
          // The service's own variables are checked in the same round as the common ones.
          PROJECTION_BATCH_SIZE: 'lots',
          DOSAGE_WEEK_GRACE_HOURS: '-1',
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/PORT/);
    expect(run.stderr).toMatch(/DATABASE_URL/);
    expect(run.stderr).toMatch(/KAFKA_BROKERS is required/);
    expect(run.stderr).toMatch(/PROJECTION_BATCH_SIZE must be an integer between 1 and 25000 \(got "lots"\)/);
    expect(run.stderr).toMatch(/DOSAGE_WEEK_GRACE_HOURS must be an integer between 0 and 336/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr + run.stdout).not.toContain('s3cr3t-value');
  });
});

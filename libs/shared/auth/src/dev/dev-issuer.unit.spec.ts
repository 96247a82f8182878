import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevIssuer } from './dev-issuer.server';

describe('startDevIssuer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dev-issuer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('persists its key so a restarted issuer keeps the same kid', async () => {
    const keyPath = join(dir, 'key.json');
    const first = await startDevIssuer({ audience: 'a', keyPath, log: () => undefined });
    await first.stop();
    const second = await startDevIssuer({ audience: 'a', keyPath, log: () => undefined });
    await second.stop();
    expect(second.kid).toBe(first.kid);
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
  });

  it('announces itself as development only', async () => {
    const lines: string[] = [];
    const issuer = await startDevIssuer({ audience: 'a', log: (line) => lines.push(line) });
    await issuer.stop();
    expect(lines.join('\n')).toMatch(/DEVELOPMENT ONLY/);
  });

  it('refuses a token request without district_id', async () => {
    const issuer = await startDevIssuer({ audience: 'a', log: () => undefined });
    try {
      const res = await fetch(`${issuer.issuer}/token`, {
        method: 'POST',
        body: JSON.stringify({ sub: 's', roles: ['teacher'] }),
      });
      expect(res.status).toBe(400);
    } finally {
      await issuer.stop();
    }
  });
});

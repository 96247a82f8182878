import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '..', '..', '..');

describe('enrollment start-up configuration', () => {
  it('stops with exit 78 and names ENROLLMENT_MASTER_KEY when the key is malformed, without echoing it', async () => {
    const result = await run('node', ['-r', './tools/register.js', 'apps/enrollment/src/main.ts'], {
      cwd: root,
      env: { ...process.env, ENROLLMENT_MASTER_KEY: 'not-a-key-secret-value' },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(result).toMatchObject({ code: 78, stderr: expect.stringContaining('ENROLLMENT_MASTER_KEY') });
    expect((result as { stderr: string }).stderr).not.toContain('not-a-key-secret-value');
  });
});

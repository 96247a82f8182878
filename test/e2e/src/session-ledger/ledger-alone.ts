/**
 * session-ledger alone as a process, for suites that seed its reference tables directly (as its consumers would store
 * them) and drive its routes over HTTP: a fresh database, a dev token issuer, the service on a free port, an owner
 * connection for seeding, and a GET as any role of one district.
 */
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DevIssuer, startDevIssuer } from '@tutoring/shared/auth';
import { DEV_AUDIENCE, Stack, startStack } from '@tutoring/shared/dev-stack';
import { findFreePort } from '@tutoring/shared/local-infra';
import { freshDatabase, FreshDatabase, testKafkaBrokers } from '@tutoring/shared/testing';

export interface LedgerAlone {
  db: FreshDatabase;
  issuer: DevIssuer;
  stack: Stack;
  /** Owner connection to the fresh database (bypasses row-level security: for seeding and checks). */
  admin: Client;
  /** GET a session-ledger route with a token of `districtId` carrying `claims` (roles, vendor_id, school_ids…). */
  get(path: string, claims: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export async function startLedgerAlone(
  name: string,
  districtId: string,
  extraEnv: Record<string, string> = {},
): Promise<LedgerAlone> {
  const root = join(__dirname, '..', '..', '..', '..');
  const db = await freshDatabase(name);
  const issuer = await startDevIssuer({ audience: DEV_AUDIENCE, port: 0, log: () => undefined });
  const stack = await startStack({
    root,
    postgresAdminUrl: db.url,
    kafkaBrokers: testKafkaBrokers(),
    issuer,
    services: ['session-ledger'],
    ports: { 'session-ledger': await findFreePort() },
    extraEnv: { 'session-ledger': extraEnv },
    logDir: join(root, 'tmp', 'e2e-logs', name),
    logLevel: 'warn',
  });
  const admin = new Client({ connectionString: db.url });
  await admin.connect();
  return {
    db,
    issuer,
    stack,
    admin,
    async get(path, claims) {
      const token = await issuer.mintToken({ sub: randomUUID(), district_id: districtId, ...claims } as never);
      const res = await fetch(`${stack.get('session-ledger').url}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> };
    },
    async stop() {
      await admin.end();
      await stack.stop();
      await issuer.stop();
      await db.drop();
    },
  };
}

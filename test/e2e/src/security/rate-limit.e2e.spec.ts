/**
 * Rate limits per client identity on a real service process (issue 3, item 4): the budget belongs to the token's
 * subject (or the vendor), not to the network address — every caller here shares 127.0.0.1.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { startDevIssuer, type DevIssuer } from '@tutoring/shared/auth';
import { DEV_AUDIENCE, startStack, type Stack } from '@tutoring/shared/dev-stack';
import { findFreePort } from '@tutoring/shared/local-infra';
import { freshDatabase, testKafkaBrokers, type FreshDatabase } from '@tutoring/shared/testing';

const root = join(__dirname, '..', '..', '..', '..');
const BUDGET = 5;

describe('rate limit per client identity (enrollment as a process, RATE_LIMIT_REQUESTS=5)', () => {
  let db: FreshDatabase;
  let issuer: DevIssuer;
  let stack: Stack;
  const district = randomUUID();

  beforeAll(async () => {
    db = await freshDatabase('rate_limit');
    issuer = await startDevIssuer({ audience: DEV_AUDIENCE, port: 0, log: () => undefined });
    stack = await startStack({
      root,
      postgresAdminUrl: db.url,
      kafkaBrokers: testKafkaBrokers(),
      issuer,
      services: ['enrollment'],
      ports: { enrollment: await findFreePort() },
      logDir: join(root, 'tmp', 'e2e-logs', 'rate-limit'),
      extraEnv: { enrollment: { RATE_LIMIT_REQUESTS: String(BUDGET), RATE_LIMIT_WINDOW_SEC: '60' } },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await issuer?.stop();
    await db?.drop();
  });

  const get = async (token: string) =>
    fetch(`${stack.get('enrollment').url}/v1/programs`, { headers: { authorization: `Bearer ${token}` } });
  const user = (sub: string) => issuer.mintToken({ sub, roles: ['program_manager'], district_id: district });
  const vendorClient = (sub: string, vendorId: string) =>
    issuer.mintToken({ sub, roles: ['vendor'], district_id: district, vendor_id: vendorId });

  it('answers 429 with Retry-After once a user spends the budget, while another user still passes', async () => {
    const alice = await user('alice');
    for (let i = 0; i < BUDGET; i++) expect((await get(alice)).status).toBe(200);
    const limited = await get(alice);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await get(await user('bob'))).status).toBe(200);
    expect((await get(await user('alice'))).status).toBe(429); // a fresh token does not reset the subject's budget
  });

  it("counts all of a vendor's clients against the vendor's budget", async () => {
    const vendorId = randomUUID();
    const clients = [await vendorClient('client-1', vendorId), await vendorClient('client-2', vendorId)];
    for (let i = 0; i < BUDGET; i++) expect((await get(clients[i % 2] as string)).status).toBe(200);
    expect((await get(clients[0] as string)).status).toBe(429);
    expect((await get(await vendorClient('client-3', randomUUID()))).status).toBe(200);
  });
});

/**
 * The demo district of the quick start: one vendor registered over the public API, as a district admin would,
 * so its Kafka topics exist and a vendor client can publish straight away. Idempotent across restarts.
 */
import { Kafka, logLevel } from 'kafkajs';
import type { DevIssuer } from '@tutoring/shared/auth';
import { DEMO_DISTRICT_ID } from '@tutoring/shared/dev-stack';

const DEMO_VENDOR_NAME = 'Bright Path Tutoring';

export interface DemoDistrict {
  vendorId: string;
  vendorName: string;
  adminToken: string;
  topics: { sessions: string; feedback: string; assignments: string };
}

async function waitForTopics(brokers: string, topics: string[], timeoutMs = 60_000): Promise<void> {
  const admin = new Kafka({ brokers: brokers.split(','), clientId: 'demo-seed', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const existing = new Set(await admin.listTopics());
      if (topics.every((t) => existing.has(t))) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`the vendor topics did not appear within ${timeoutMs} ms: ${topics.join(', ')}`);
  } finally {
    await admin.disconnect();
  }
}

export async function seedDemoDistrict(o: { issuer: DevIssuer; enrollmentUrl: string; brokers: string }): Promise<DemoDistrict> {
  const adminToken = await o.issuer.mintToken(
    { sub: 'demo-district-admin', roles: ['district_admin'], district_id: DEMO_DISTRICT_ID },
    { expiresInSec: 12 * 3600 },
  );
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const list = await fetch(`${o.enrollmentUrl}/v1/vendors?limit=100`, { headers });
  if (!list.ok) throw new Error(`GET /v1/vendors answered ${list.status}: ${await list.text()}`);
  const page = (await list.json()) as { items: { vendorId: string; name: string }[] };
  let vendor = page.items.find((v) => v.name === DEMO_VENDOR_NAME);
  if (!vendor) {
    const created = await fetch(`${o.enrollmentUrl}/v1/vendors`, { method: 'POST', headers, body: JSON.stringify({ name: DEMO_VENDOR_NAME }) });
    if (created.status !== 201) throw new Error(`POST /v1/vendors answered ${created.status}: ${await created.text()}`);
    vendor = (await created.json()) as { vendorId: string; name: string };
  }
  const topics = {
    sessions: `tutoring.vendor.${vendor.vendorId}.sessions.v1`,
    feedback: `tutoring.vendor.${vendor.vendorId}.feedback.v1`,
    assignments: `tutoring.vendor.${vendor.vendorId}.assignments.v1`,
  };
  await waitForTopics(o.brokers, Object.values(topics));
  return { vendorId: vendor.vendorId, vendorName: vendor.name, adminToken, topics };
}

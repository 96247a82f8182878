// Runs the notifications service as a real OS process (so it can be SIGKILLed) against the suite's Kafka and a
// fresh database, and talks to it over HTTP as a district would.
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { DevIssuer } from '@tutoring/shared/auth';
import { describeService, serviceEnvironments, ServiceProcess } from '@tutoring/shared/dev-stack';
import { findFreePort } from '@tutoring/shared/local-infra';
import {
  DOSAGE_TOPIC,
  ENROLLMENT_ORGANISATION_TOPIC,
  ENROLLMENT_STUDENTS_TOPIC,
  FINANCE_PAYOUTS_TOPIC,
  LEDGER_TOPIC,
  SCHEDULING_TOPIC,
} from '@tutoring/shared/contracts';

/** What the service documents it reads (docs/services/notifications.md), and its consumer group. */
const INPUT_TOPICS = [
  ENROLLMENT_ORGANISATION_TOPIC,
  ENROLLMENT_STUDENTS_TOPIC,
  SCHEDULING_TOPIC,
  LEDGER_TOPIC,
  DOSAGE_TOPIC,
  FINANCE_PAYOUTS_TOPIC,
];
const EVENTS_GROUP = 'notifications.events';

/** ISO week (Monday..Sunday) before the current one in `zone`, with its label and its Tuesday. */
export function lastCompletedWeekIn(zone: string, now: Date): { isoWeek: string; tuesday: string } {
  const today = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
  const day = new Date(`${today}T00:00:00Z`);
  const weekday = (day.getUTCDay() + 6) % 7; // 0 = Monday
  const monday = new Date(day.getTime() - (weekday + 7) * 86_400_000);
  const tuesday = new Date(monday.getTime() + 86_400_000);
  const thursday = new Date(monday.getTime() + 3 * 86_400_000);
  const year = thursday.getUTCFullYear();
  const weekNo = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return { isoWeek: `${year}-W${String(weekNo).padStart(2, '0')}`, tuesday: tuesday.toISOString().slice(0, 10) };
}

export const root = join(__dirname, '..', '..', '..', '..');

export class NotificationsProcess {
  private process: ServiceProcess | null = null;
  readonly port: Promise<number> = findFreePort();

  constructor(
    private readonly options: {
      dbUrl: string;
      brokers: string;
      issuer: DevIssuer;
      logDir: string;
      env: Record<string, string>;
    },
  ) {}

  get url(): string {
    if (!this.process) throw new Error('not started');
    return this.process.url;
  }

  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    const envs = await serviceEnvironments({
      root,
      postgresAdminUrl: this.options.dbUrl,
      kafkaBrokers: this.options.brokers,
      issuer: this.options.issuer,
      services: ['notifications'],
      logDir: this.options.logDir,
      extraEnv: { notifications: { ...this.options.env, ...extraEnv } },
    });
    const env = envs.get('notifications');
    if (!env) throw new Error('no environment for notifications');
    this.process = new ServiceProcess({
      root,
      descriptor: describeService('notifications'),
      port: await this.port,
      env,
      logDir: this.options.logDir,
    });
    this.process.start();
    await this.process.waitReady(120_000);
  }

  /** Crash: SIGKILL, nothing gets to clean up. */
  async kill(): Promise<void> {
    await this.process?.kill();
  }

  async stop(): Promise<void> {
    await this.process?.stop();
  }
}

/** Resolves once the live consumer group has committed every input message published so far. */
export async function consumerCaughtUp(brokers: string): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'notifications-e2e-lag',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const committed = await admin.fetchOffsets({ groupId: EVENTS_GROUP, topics: INPUT_TOPICS });
    for (const topic of INPUT_TOPICS) {
      const high = await admin.fetchTopicOffsets(topic);
      const group = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const p of high) {
        const done = Number(group.find((g) => g.partition === p.partition)?.offset ?? '-1');
        const end = Number(p.high);
        if (end > Number(p.low) && done < end) return false;
      }
    }
    return true;
  } finally {
    await admin.disconnect();
  }
}

export const http = (base: () => string, token: string) => ({
  get: async <T = unknown>(path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base()}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  },
  send: async <T = unknown>(method: string, path: string, body: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  },
});

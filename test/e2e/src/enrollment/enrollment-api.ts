// Small HTTP client for enrollment e2e tests: JSON calls and OneRoster multipart uploads, as a district's
// integration would make them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { collectMessages, type CollectedMessage } from '@tutoring/shared/testing';

/** Response bodies are checked by shape in the tests (toMatchObject), so they stay loosely typed here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export class EnrollmentApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }

  /** Uploads every .csv file of `dir` as one multipart part each. */
  async importRoster(dir: string, query = ''): Promise<{ status: number; json: Json }> {
    const form = new FormData();
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.csv') && statSync(join(dir, n)).isFile())) {
      form.append('files', new Blob([readFileSync(join(dir, name))]), name);
    }
    const res = await fetch(`${this.baseUrl}/v1/roster/imports${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}` },
      body: form,
    });
    return { status: res.status, json: await res.json() };
  }
}

/**
 * Reads a topic from the beginning until `enough(messages)` holds (the outbox relay publishes asynchronously and a
 * loaded machine may take seconds), then returns what was read; fails after `timeoutMs`.
 */
export async function collectUntil(
  brokers: string,
  topic: string,
  keep: (m: CollectedMessage) => boolean,
  enough: (messages: CollectedMessage[]) => boolean,
  timeoutMs = 45_000,
): Promise<CollectedMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = (await collectMessages(brokers, topic, { timeoutMs: 3_000 })).filter(keep);
    if (enough(messages)) return messages;
    if (Date.now() > deadline)
      throw new Error(`collectUntil(${topic}): condition not met within ${timeoutMs} ms (${messages.length} messages)`);
  }
}

// Small HTTP client for enrollment e2e tests: JSON calls and OneRoster multipart uploads, as a district's
// integration would make them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

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

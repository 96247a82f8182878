import { uniqueDatabaseName } from './fresh-database';
import { uniqueTopic } from './kafka-helpers';
import { waitFor } from './wait-for';

describe('unique names', () => {
  it('makes legal, distinct topic names from any prefix', () => {
    const a = uniqueTopic('ledger test/événement');
    const b = uniqueTopic('ledger test/événement');
    expect(a).toMatch(/^[a-zA-Z0-9._-]+$/);
    expect(a.startsWith('ledger-test-')).toBe(true);
    expect(a).not.toBe(b);
  });

  it('makes Postgres identifiers from any prefix', () => {
    const name = uniqueDatabaseName('Session-Ledger 2');
    expect(name).toMatch(/^session_ledger_2_[a-z0-9]+_[0-9a-f]{8}$/);
    expect(uniqueDatabaseName('123')).toMatch(/^test_/);
  });
});

describe('waitFor', () => {
  it('returns the value once the function stops throwing', async () => {
    let calls = 0;
    const value = await waitFor(
      () => {
        calls += 1;
        if (calls < 3) throw new Error('not yet');
        return 'done';
      },
      { timeoutMs: 2000, intervalMs: 5 },
    );
    expect(value).toBe('done');
    expect(calls).toBe(3);
  });

  it('rethrows the last assertion error on timeout', async () => {
    await expect(waitFor(() => expect(1).toBe(2), { timeoutMs: 50, intervalMs: 10 })).rejects.toThrow(
      /waitFor timed out after 50 ms; last error: [\s\S]*Expected: 2/,
    );
  });
});

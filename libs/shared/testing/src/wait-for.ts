export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Polls `fn` until it returns without throwing, and returns its value. On timeout rethrows the last error, so a
 * failing `expect` inside `fn` reports the real mismatch rather than "timed out".
 */
export async function waitFor<T>(fn: () => T | Promise<T>, opts: WaitForOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      lastError = err;
    }
    if (Date.now() + intervalMs > deadline) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  if (lastError instanceof Error) {
    lastError.message = `waitFor timed out after ${timeoutMs} ms; last error: ${lastError.message}`;
  }
  throw lastError;
}

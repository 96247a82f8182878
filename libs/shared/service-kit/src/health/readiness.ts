import { Injectable } from '@nestjs/common';

/** One dependency the service needs before it may receive traffic. `check` rejects when not ready. */
export interface ReadinessCheck {
  readonly name: string;
  readonly check: () => Promise<void>;
}

/**
 * Checks known to /health/ready. bootstrapService registers the app's checks; libraries (e.g.
 * messaging) may also register their own from onModuleInit.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(...checks: ReadinessCheck[]): void {
    for (const check of checks) this.checks.set(check.name, check);
  }

  list(): ReadinessCheck[] {
    return [...this.checks.values()];
  }
}

/** A readiness check from a flag, e.g. "migrations applied" flipped once migrations ran. */
export const flagCheck = (name: string, isSet: () => boolean, reason = `${name} not yet done`): ReadinessCheck => ({
  name,
  check: async () => {
    if (!isSet()) throw new Error(reason);
  },
});

/** Rejects when `promise` takes longer than `ms`, so one hung dependency cannot hang the probe. */
export const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });

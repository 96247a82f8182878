import type { Server } from 'node:http';

export type ShutdownHook = () => Promise<void> | void;

export interface GracefulShutdownOptions {
  /** Stop accepting connections; in-flight requests finish. */
  stopAccepting: () => void;
  /** Service hooks in order: consumers finish their batch, commit and leave; the relay stops. */
  hooks: readonly ShutdownHook[];
  /** Closes the Nest app: module destroy hooks close the DB pool. */
  close: () => Promise<void>;
  graceMs: number;
  log: (level: 'info' | 'error', msg: string, extra?: Record<string, unknown>) => void;
  exit: (code: number) => void;
}

/**
 * Returns the signal handler. First signal: orderly shutdown then exit 0 (1 if a step failed).
 * A second signal or the grace timeout forces exit 1: Kubernetes SIGKILLs soon after anyway, and
 * a stuck hook must not keep a half-closed pod around.
 */
export const gracefulShutdown = (options: GracefulShutdownOptions): ((signal: string) => void) => {
  let started = false;
  return (signal: string) => {
    if (started) {
      options.log('error', 'second signal during shutdown: forcing exit', { signal });
      options.exit(1);
      return;
    }
    started = true;
    options.log('info', 'shutting down', { signal, graceMs: options.graceMs });
    const timer = setTimeout(() => {
      options.log('error', 'shutdown grace period exceeded: forcing exit', { graceMs: options.graceMs });
      options.exit(1);
    }, options.graceMs);
    timer.unref();
    void run(options).then((code) => {
      clearTimeout(timer);
      options.exit(code);
    });
  };
};

const run = async (options: GracefulShutdownOptions): Promise<number> => {
  let code = 0;
  options.stopAccepting();
  for (const hook of options.hooks) {
    try {
      await hook();
    } catch (error) {
      code = 1;
      options.log('error', 'shutdown hook failed', { err: error });
    }
  }
  try {
    await options.close();
  } catch (error) {
    code = 1;
    options.log('error', 'closing the application failed', { err: error });
  }
  if (code === 0) options.log('info', 'shutdown complete');
  return code;
};

/** Stops listening and drops idle keep-alive sockets so the load balancer's connections end now. */
export const stopAccepting = (server: Server): void => {
  server.close();
  server.closeIdleConnections();
};

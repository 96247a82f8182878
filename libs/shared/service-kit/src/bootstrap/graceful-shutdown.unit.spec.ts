import { gracefulShutdown, type GracefulShutdownOptions } from './graceful-shutdown';

const harness = (overrides: Partial<GracefulShutdownOptions> = {}) => {
  const steps: string[] = [];
  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  const handler = gracefulShutdown({
    stopAccepting: () => steps.push('stop-accepting'),
    hooks: [async () => void steps.push('consumer'), async () => void steps.push('relay')],
    close: async () => void steps.push('close'),
    graceMs: 1_000,
    log: (level, msg) => steps.push(`${level}:${msg}`),
    exit: (code) => {
      steps.push(`exit ${code}`);
      resolveExit(code);
    },
    ...overrides,
  });
  return { handler, steps, exited };
};

describe('gracefulShutdown', () => {
  it('stops HTTP, runs hooks in order, closes, then exits 0', async () => {
    const { handler, steps, exited } = harness();
    handler('SIGTERM');
    expect(await exited).toBe(0);
    expect(steps).toEqual([
      'info:shutting down',
      'stop-accepting',
      'consumer',
      'relay',
      'close',
      'info:shutdown complete',
      'exit 0',
    ]);
  });

  it('keeps going after a failing hook and exits 1', async () => {
    const { handler, steps, exited } = harness({
      hooks: [
        async () => {
          throw new Error('commit failed');
        },
      ],
    });
    handler('SIGTERM');
    expect(await exited).toBe(1);
    expect(steps).toContain('close');
    expect(steps).toContain('error:shutdown hook failed');
  });

  it('forces exit on a second signal', () => {
    const { handler, steps } = harness({ hooks: [() => new Promise<void>(() => undefined)] });
    handler('SIGTERM');
    handler('SIGINT');
    expect(steps).toContain('error:second signal during shutdown: forcing exit');
    expect(steps).toContain('exit 1');
  });

  it('forces exit when the grace period runs out', async () => {
    const { handler, steps, exited } = harness({ graceMs: 20, hooks: [() => new Promise<void>(() => undefined)] });
    handler('SIGTERM');
    expect(await exited).toBe(1);
    expect(steps).toContain('error:shutdown grace period exceeded: forcing exit');
    expect(steps).not.toContain('close');
  });
});

/** What global setup started, kept on globalThis (shared by setup and teardown, not by test workers). */
export interface TestInfraHandles {
  stops: Array<{ name: string; stop: () => Promise<void> }>;
  /** Env vars the setup set itself (to unset on teardown, so watch mode does not reuse a stopped server). */
  setEnv: string[];
  /** Every broker the setup uses (one per worker when started locally); the canary check reads them all. */
  kafkaBrokers?: string[];
  /** What the canary check compares against (log and trace file sizes before the run); see canary-check.ts. */
  canary?: import('./canary-check').CanaryBaseline;
}

/**
 * One broker serves every Jest worker when it is given (KAFKA_BROKERS) or when Testcontainers starts it; otherwise
 * global setup starts one per worker. Suites that start service stacks must then run one at a time: every stack uses
 * the same topic names and consumer groups, and two side by side would split each other's partitions.
 */
export const oneKafkaBrokerForAllWorkers = (env: NodeJS.ProcessEnv = process.env): boolean =>
  Boolean(env['KAFKA_BROKERS']?.trim()) || env['TEST_INFRA'] === 'containers';

const KEY = '__TUTORING_TEST_INFRA__';

export function getHandles(): TestInfraHandles | undefined {
  return (globalThis as Record<string, unknown>)[KEY] as TestInfraHandles | undefined;
}

export function setHandles(handles: TestInfraHandles | undefined): void {
  (globalThis as Record<string, unknown>)[KEY] = handles;
}

export function infraLog(line: string): void {
  // stderr: jest prints it immediately, and it never mixes into a reporter's stdout
  console.error(`[test-infra] ${line}`);
}

import { CONFIG_ERROR_EXIT_CODE } from '@tutoring/shared/service-kit';
import { loadSessionLedgerConfig, type SessionLedgerConfig } from './session-ledger.config';

/** Runs the loader as a service start does, with its exit and its stderr line captured instead of ending the run. */
const start = (env: Record<string, string | undefined>) => {
  const lines: string[] = [];
  let exitCode: number | null = null;
  let config: SessionLedgerConfig | null = null;
  try {
    config = loadSessionLedgerConfig(env, {
      write: (line) => lines.push(line),
      exit: (code) => {
        exitCode = code;
        throw new Error('exited');
      },
    });
  } catch (error) {
    if (exitCode === null) throw error;
  }
  return { config, line: lines.join('\n'), exitCode };
};

describe('session-ledger configuration', () => {
  it('applies the documented defaults when nothing is set', () => {
    const { config, line, exitCode } = start({});
    expect(config).toEqual({
      PROJECTION_BATCH_SIZE: 2000,
      INGEST_PARTITIONS_CONCURRENTLY: 3,
      INGEST_FETCH_MAX_BYTES_PER_PARTITION: 2_097_152,
      INGEST_FETCH_MAX_BYTES: 16_777_216,
    });
    expect(line).toBe('');
    expect(exitCode).toBeNull();
  });

  it('takes values inside the ranges', () => {
    const { config } = start({
      PROJECTION_BATCH_SIZE: '500',
      INGEST_PARTITIONS_CONCURRENTLY: '1',
      INGEST_FETCH_MAX_BYTES_PER_PARTITION: '524288',
      INGEST_FETCH_MAX_BYTES: '4194304',
    });
    expect(config).toEqual({
      PROJECTION_BATCH_SIZE: 500,
      INGEST_PARTITIONS_CONCURRENTLY: 1,
      INGEST_FETCH_MAX_BYTES_PER_PARTITION: 524_288,
      INGEST_FETCH_MAX_BYTES: 4_194_304,
    });
  });

  it.each([
    ['PROJECTION_BATCH_SIZE', '0', 'must be an integer between 1 and 25000'],
    ['PROJECTION_BATCH_SIZE', 'abc', 'must be an integer between 1 and 25000'],
    ['PROJECTION_BATCH_SIZE', '25001', 'must be an integer between 1 and 25000'],
    ['INGEST_PARTITIONS_CONCURRENTLY', '-3', 'must be an integer between 1 and 64'],
    ['INGEST_FETCH_MAX_BYTES_PER_PARTITION', '2MB', 'must be an integer between 65536 and 67108864'],
    ['INGEST_FETCH_MAX_BYTES', '1.5', 'must be an integer between 65536 and 268435456'],
  ])('refuses %s=%s at start-up, naming the variable and why (exit 78)', (name, raw, reason) => {
    const { config, line, exitCode } = start({ [name]: raw });
    expect(line).toBe(`Configuration error: ${name} ${reason} (got ${JSON.stringify(raw)})`);
    expect(exitCode).toBe(CONFIG_ERROR_EXIT_CODE);
    expect(config).toBeNull();
  });

  it('reports every bad variable in one line, so one fix of the deployment is enough', () => {
    const { line } = start({ PROJECTION_BATCH_SIZE: '0', INGEST_PARTITIONS_CONCURRENTLY: '0' });
    expect(line).toBe(
      'Configuration error: PROJECTION_BATCH_SIZE must be an integer between 1 and 25000 (got "0"); ' +
        'INGEST_PARTITIONS_CONCURRENTLY must be an integer between 1 and 64 (got "0")',
    );
  });
});

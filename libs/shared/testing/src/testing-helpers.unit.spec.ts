import { uniqueDatabaseName } from './fresh-database';
import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { coordinatorStillStarting, uniqueTopic } from './kafka-helpers';
import { waitFor } from './wait-for';
import { oneKafkaBrokerForAllWorkers } from './jest/infra-handles';

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

describe('which consumer crashes a test rides over', () => {
  const protocolError = (type: string, code: number) =>
    new KafkaJSProtocolError({ message: type, type, code, retriable: true } as never);

  // As kafkajs decodes them (its names, src/protocol/error.js), not as Kafka's documentation names them.
  it('a coordinator still loading or not yet available, also once retries ran out', () => {
    const loading = protocolError('GROUP_LOAD_IN_PROGRESS', 14);
    expect(coordinatorStillStarting(loading)).toBe(true);
    expect(coordinatorStillStarting(new KafkaJSNumberOfRetriesExceeded(loading, { retryCount: 6 } as never))).toBe(
      true,
    );
    expect(coordinatorStillStarting(protocolError('GROUP_COORDINATOR_NOT_AVAILABLE', 15))).toBe(true);
    expect(coordinatorStillStarting(protocolError('NOT_COORDINATOR_FOR_GROUP', 16))).toBe(true);
  });

  it('never an authorization refusal or anything else', () => {
    expect(coordinatorStillStarting(protocolError('GROUP_AUTHORIZATION_FAILED', 30))).toBe(false);
    expect(coordinatorStillStarting(protocolError('TOPIC_AUTHORIZATION_FAILED', 29))).toBe(false);
    expect(coordinatorStillStarting(new Error('boom'))).toBe(false);
    expect(coordinatorStillStarting(null)).toBe(false);
  });
});

describe('how many brokers a run has', () => {
  it('one per worker unless a broker is given or Testcontainers starts the one', () => {
    expect(oneKafkaBrokerForAllWorkers({})).toBe(false);
    expect(oneKafkaBrokerForAllWorkers({ KAFKA_BROKERS: '  ' })).toBe(false);
    expect(oneKafkaBrokerForAllWorkers({ KAFKA_BROKERS: 'k1:9092' })).toBe(true);
    expect(oneKafkaBrokerForAllWorkers({ TEST_INFRA: 'containers' })).toBe(true);
    expect(oneKafkaBrokerForAllWorkers({ TEST_INFRA: 'local' })).toBe(false);
  });
});

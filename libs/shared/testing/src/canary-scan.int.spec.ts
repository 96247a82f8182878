// The run's canary check must really find a planted name: in a Kafka message (value, key, header) and in a log
// line, and the teardown step must fail loudly saying where. The Kafka part plants a name of its own (not from the
// shared list) so that no other run's final check on the same broker can trip over it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { CANARY_NAMES } from './canary-names';
import { canaryPattern, findCanaries, scanFiles, scanKafka } from './canary-scan';
import { canaryBaseline, runCanaryCheck } from './jest/canary-check';
import { createTopics, testKafkaBrokers, uniqueTopic } from './kafka-helpers';

describe('canary scanner', () => {
  it('knows every shared name, in any case, and nothing else', () => {
    for (const name of CANARY_NAMES) {
      expect(findCanaries(`x ${name.toUpperCase()} y`, 'text')).toEqual([
        expect.objectContaining({ where: 'text', name: name.toUpperCase() }),
      ]);
    }
    expect(findCanaries('Ava Garcia S0000001 {"studentId":"7f1c"}', 'text')).toEqual([]);
  });

  it('finds a name planted in a Kafka value, key and header, with topic, partition and offset', async () => {
    const brokers = testKafkaBrokers();
    const planted = `Selftestcanary${randomBytes(4).toString('hex')}`;
    const topic = uniqueTopic('canary-selftest');
    await createTopics(brokers, [topic]);
    const kafka = new Kafka({ clientId: 'canary-selftest', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({
        topic,
        messages: [
          { key: 'k0', value: '{"studentId":"clean"}' },
          { key: 'k1', value: `{"name":"${planted}"}` },
          { key: `k2-${planted.toLowerCase()}`, value: '{}' },
          { key: 'k3', value: '{}', headers: { 'x-note': `hello ${planted}` } },
        ],
      });
    } finally {
      await producer.disconnect();
    }
    const scan = await scanKafka(brokers, { only: [topic], timeoutMs: 60_000 }, canaryPattern([planted]));
    expect(scan.messages).toBe(4);
    expect(scan.hits.map((h) => h.where)).toEqual([
      `kafka ${topic}[0]@1 value`,
      `kafka ${topic}[0]@2 key`,
      `kafka ${topic}[0]@3 header x-note`,
    ]);
    const clean = await scanKafka(brokers, { only: [topic], timeoutMs: 60_000 });
    expect(clean).toMatchObject({ messages: 4, hits: [] });
  });

  it('finds a planted name in a log file, by line, reading only what was appended after the baseline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'canary-files-'));
    try {
      const file = join(dir, 'svc.log');
      writeFileSync(file, `{"msg":"old ${CANARY_NAMES[0]}"}\n`);
      const before = new Map([[file, Buffer.byteLength(`{"msg":"old ${CANARY_NAMES[0]}"}\n`)]]);
      appendFileSync(file, `{"msg":"start"}\n{"msg":"student ${CANARY_NAMES[3]} imported"}\n{"msg":"done"}`);
      expect(scanFiles(before, dir).map((h) => [h.where, h.name])).toEqual([['svc.log:2', CANARY_NAMES[3]]]);
      expect(scanFiles(new Map([[file, 0]]), dir)).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the teardown step fails loudly, naming the file and line, and passes on clean output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canary-check-'));
    try {
      mkdirSync(join(dir, 'e2e-logs', 'svc'), { recursive: true });
      writeFileSync(join(dir, 'e2e-logs', 'svc', 'enrollment.log'), '{"msg":"before the run"}\n');
      const baseline = canaryBaseline(dir);
      const lines: string[] = [];
      appendFileSync(join(dir, 'e2e-logs', 'svc', 'enrollment.log'), '{"msg":"clean"}\n');
      expect(await runCanaryCheck(baseline, [], (l) => lines.push(l), dir)).toBeNull();
      const workerLogs = join(dir, 'test-logs', baseline.runId);
      mkdirSync(workerLogs, { recursive: true });
      writeFileSync(join(workerLogs, 'worker-1.log'), `a\nb\n{"student":"${CANARY_NAMES[5]}"}\n`);
      // another run's worker output in the same tree is that run's to check
      mkdirSync(join(dir, 'test-logs', 'another-run'), { recursive: true });
      writeFileSync(join(dir, 'test-logs', 'another-run', 'worker-2.log'), `${CANARY_NAMES[6]}\n`);
      const failure = await runCanaryCheck(baseline, [], (l) => lines.push(l), dir);
      expect(failure).toContain('CANARY STUDENT NAME FOUND');
      expect(failure).toContain(`test-logs/${baseline.runId}/worker-1.log:3: "${CANARY_NAMES[5]}"`);
      expect(failure).not.toContain(CANARY_NAMES[6]);
      expect(lines.join('\n')).toMatch(/canary check: 0 messages in 0 topics, 2 log\/trace files/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import pino from 'pino';
import { Writable } from 'node:stream';
import { pinoOptions } from './pino.options';

const capture = () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino(pinoOptions('session-ledger', 'debug'), stream), lines };
};

describe('pinoOptions', () => {
  it('never lets a student name (or other PII) reach the output: canary', () => {
    const { logger, lines } = capture();
    const canary = 'Zebulon Quackenbush';
    logger.info(
      {
        student: { firstName: 'Zebulon', lastName: 'Quackenbush', name: canary, birthDate: '2014-02-03' },
        batch: { rows: [{ guardian: { email: 'zq@example.org', phone: '+1 555 0100' } }] },
        name: canary,
        req: { headers: { authorization: 'Bearer eyJhbGciOi.secret.sig' } },
      },
      'roster row processed',
    );
    const out = lines.join('');
    for (const leaked of ['Zebulon', 'Quackenbush', '2014-02-03', 'zq@example.org', '555 0100', 'eyJhbGciOi']) {
      expect(out).not.toContain(leaked);
    }
    expect(out).toContain('[REDACTED]');
  });

  it('writes JSON lines with level label and service name', () => {
    const { logger, lines } = capture();
    logger.warn({ count: 3 }, 'hello');
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'warn', service: 'session-ledger', msg: 'hello', count: 3 });
    expect(line['trace_id']).toBeUndefined();
  });
  // trace_id/span_id with a real span: see telemetry.unit.spec.ts.
});

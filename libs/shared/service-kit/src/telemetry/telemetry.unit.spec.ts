import { trace } from '@opentelemetry/api';
import pino from 'pino';
import { Writable } from 'node:stream';
import { pinoOptions } from '../logging/pino.options';
import { startTelemetry } from './telemetry';

describe('startTelemetry without an exporter endpoint', () => {
  it('still creates real spans whose ids reach the log lines', async () => {
    const telemetry = startTelemetry('test-service', {});
    const lines: string[] = [];
    const logger = pino(
      pinoOptions('test-service'),
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    let expected = '';
    await trace.getTracer('test').startActiveSpan('work', async (span) => {
      expected = span.spanContext().traceId;
      await new Promise((resolve) => setImmediate(resolve));
      logger.info('inside');
      span.end();
    });
    await telemetry.shutdown();
    expect(expected).toMatch(/^[0-9a-f]{32}$/);
    expect(expected).not.toBe('0'.repeat(32));
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ trace_id: expected });
  });
});

import { context, propagation, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import type { IncomingMessage } from '../ports/messaging.ports';

const TRACER = 'tutoring.messaging';

/** W3C trace context (`traceparent`, `tracestate`) of the active OpenTelemetry context. */
export function currentTraceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

export function extractTraceContext(headers: Record<string, string>): Context {
  return propagation.extract(context.active(), headers);
}

/** Runs `fn` inside a CONSUMER span whose parent is the producer's trace, so one trace spans HTTP → Kafka → here. */
export async function withMessageSpan<R>(message: IncomingMessage, fn: () => Promise<R>): Promise<R> {
  const parent = extractTraceContext(message.headers);
  const span = trace.getTracer(TRACER).startSpan(
    `${message.topic} process`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation': 'process',
        'messaging.destination.name': message.topic,
        'messaging.kafka.destination.partition': message.partition,
        'messaging.kafka.message.offset': message.offset,
        'messaging.message.id': message.headers['ce_id'] ?? '',
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), fn);
  } catch (e) {
    span.recordException(e as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw e;
  } finally {
    span.end();
  }
}

/** Adapts a per-message function into a batch handler: in order, one span each, heartbeat between messages. */
export function perMessage(fn: (message: IncomingMessage) => Promise<void>) {
  return {
    async handleBatch(messages: IncomingMessage[], ctx: { heartbeat(): Promise<void> }): Promise<void> {
      for (const message of messages) {
        await withMessageSpan(message, () => fn(message));
        await ctx.heartbeat();
      }
    },
  };
}

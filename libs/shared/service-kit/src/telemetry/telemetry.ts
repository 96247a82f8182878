import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface Telemetry {
  /** Flushes pending spans; call last during shutdown. */
  shutdown(): Promise<void>;
}

let running: Telemetry | undefined;

/**
 * Starts OpenTelemetry. MUST run before `@nestjs/*`, `http` users or `pg` are imported, because
 * instrumentation patches modules as they load: call it from a `telemetry.ts` that main.ts imports
 * on its first line (see README). Without OTEL_EXPORTER_OTLP_ENDPOINT nothing is exported, but
 * spans and W3C context propagation still run so log lines carry trace ids.
 */
export const startTelemetry = (
  serviceName: string,
  env: Record<string, string | undefined> = process.env,
): Telemetry => {
  if (running) return running;
  const endpoint = env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  // A tracer provider is only registered when it has a processor: the no-op one keeps ids flowing.
  const processor: SpanProcessor = endpoint
    ? new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }))
    : new NoopSpanProcessor();
  const sdk = new NodeSDK({
    serviceName: env['OTEL_SERVICE_NAME'] ?? serviceName,
    spanProcessors: [processor],
    textMapPropagator: new W3CTraceContextPropagator(),
    instrumentations: [
      new HttpInstrumentation({
        // Probes every few seconds would drown real traces.
        ignoreIncomingRequestHook: (req) => (req.url ?? '').startsWith('/health/'),
      }),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
    ],
    // Metrics and logs are configured by their own modules; do not let env defaults start exporters.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  running = {
    shutdown: async () => {
      running = undefined;
      await sdk.shutdown();
    },
  };
  return running;
};

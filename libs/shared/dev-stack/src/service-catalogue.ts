/** The five services, their default ports and their Postgres schemas. One list for the quick start and the tests. */
export const SERVICE_NAMES = ['enrollment', 'scheduling', 'session-ledger', 'outcomes-contracting', 'notifications'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ServiceDescriptor {
  name: ServiceName;
  defaultPort: number;
  schema: string;
  entry: string;
}

export const SERVICES: readonly ServiceDescriptor[] = SERVICE_NAMES.map((name, i) => ({
  name,
  defaultPort: 3001 + i,
  schema: name.replace(/-/g, '_'),
  entry: `apps/${name}/src/main.ts`,
}));

export function describeService(name: ServiceName): ServiceDescriptor {
  const found = SERVICES.find((s) => s.name === name);
  if (!found) throw new Error(`unknown service ${name}`);
  return found;
}

export const DEV_AUDIENCE = 'tutoring-api';
export const DEV_ISSUER_PORT = 3100;
/** The demo district of the quick start (a fixed pseudonymous id, so tokens and data survive restarts). */
export const DEMO_DISTRICT_ID = '6f1c1a52-3c1e-4b7e-9a51-0d1e5c2b7a10';

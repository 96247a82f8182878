/**
 * Function- and object-level authorization matrix (issue 3, items 2-3; OWASP API1 and API5). The five services run as
 * processes on real Postgres and Kafka; every route is read from each service's OpenAPI document, where the shell
 * publishes the access each route declares (`x-access`, from the same metadata the default-deny guard enforces).
 * Every route is then called with no token, with each bad token, and as every role of two districts and three vendors.
 * Expectations: route-access.ts. Token edge cases: also libs/shared/auth (unit) and walking-skeleton.e2e.spec.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { mintBadTokens, startDevIssuer, type DevIssuer, type Role } from '@tutoring/shared/auth';
import { DEV_AUDIENCE, SERVICE_NAMES, startStack, type ServiceName, type Stack } from '@tutoring/shared/dev-stack';
import { findFreePort } from '@tutoring/shared/local-infra';
import { freshDatabase, testKafkaBrokers, type FreshDatabase } from '@tutoring/shared/testing';
import { ROUTE_ACCESS, type RouteRow } from './route-access';
import { World, type Caller, type MatrixRequest } from './matrix-world';

const root = join(__dirname, '..', '..', '..', '..');

type Access = { public: true } | { roles: Role[] } | { undeclared: true };

interface Operation {
  service: ServiceName;
  method: string;
  path: string;
  route: string;
  access: Access | undefined;
  /** The operation takes a JSON body described by a schema (a validated DTO). */
  jsonBody: boolean;
  /** Top-level properties the body schema declares. */
  bodyProperties: string[];
  /** Names of the query parameters the operation documents. */
  queryParams: string[];
}

type Schema = { $ref?: string; properties?: Record<string, unknown> };
const bodyProperties = (schema: Schema | undefined, components: Record<string, Schema>): string[] => {
  const resolved = schema?.$ref ? components[schema.$ref.split('/').pop() ?? ''] : schema;
  return Object.keys(resolved?.properties ?? {});
};

// All five by default; a comma list narrows a local run (e.g. while another service does not start).
const services = (process.env['SECURITY_MATRIX_SERVICES']?.split(',') ?? [...SERVICE_NAMES]) as ServiceName[];

const routeId = (service: string, route: string) => `${service} ${route}`;

async function operationsOf(stack: Stack, service: ServiceName): Promise<Operation[]> {
  const res = await fetch(`${stack.get(service).url}/docs-json`);
  const doc = (await res.json()) as {
    paths: Record<
      string,
      Record<
        string,
        {
          'x-access'?: Access;
          requestBody?: { content?: Record<string, { schema?: Schema }> };
          parameters?: { name: string; in: string }[];
        }
      >
    >;
    components?: { schemas?: Record<string, Schema> };
  };
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({
        service,
        method: method.toUpperCase(),
        path,
        route: `${method.toUpperCase()} ${path}`,
        access: op['x-access'],
        jsonBody: Boolean(op.requestBody?.content?.['application/json']),
        bodyProperties: bodyProperties(
          op.requestBody?.content?.['application/json']?.schema,
          doc.components?.schemas ?? {},
        ),
        queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      })),
  );
}

const fill = (path: string, params: Record<string, string> = {}) =>
  path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(params[name] ?? randomUUID()));

describe('authorization matrix: every route x every role x two districts x vendors', () => {
  let db: FreshDatabase;
  let issuer: DevIssuer;
  let stack: Stack;
  let world: World;
  const operations: Operation[] = [];
  const rowFor = (op: Operation): RouteRow | undefined =>
    ROUTE_ACCESS.find((r) => r.service === op.service && r.route === op.route);

  beforeAll(async () => {
    db = await freshDatabase('security_matrix');
    issuer = await startDevIssuer({ audience: DEV_AUDIENCE, port: 0, log: () => undefined });
    const ports: Partial<Record<ServiceName, number>> = {};
    for (const s of services) ports[s] = await findFreePort();
    stack = await startStack({
      root,
      postgresAdminUrl: db.url,
      kafkaBrokers: testKafkaBrokers(),
      issuer,
      services,
      ports,
      logDir: join(root, 'tmp', 'e2e-logs', 'security-matrix'),
      // with its master key, enrollment serves its PII routes instead of answering 503
      // the matrix calls every route as every identity; rate limits have their own test (rate-limit.e2e.spec.ts)
      extraEnv: {
        ...Object.fromEntries(services.map((s) => [s, { RATE_LIMIT_REQUESTS: '100000' }])),
        enrollment: { RATE_LIMIT_REQUESTS: '100000', ENROLLMENT_MASTER_KEY: randomBytes(32).toString('base64') },
      },
    });
    world = new World(stack, issuer);
    await world.setUp();
    if (services.includes('enrollment')) await world.seedOrganisation();
    if (services.includes('enrollment') && services.includes('scheduling')) await world.seedSchoolScope();
    if (services.includes('outcomes-contracting')) await world.seedMoney();
    if (services.includes('session-ledger')) await world.seedLedgerRejections(testKafkaBrokers());
    for (const s of services) operations.push(...(await operationsOf(stack, s)));
  });

  afterAll(async () => {
    await stack?.stop();
    await issuer?.stop();
    await db?.drop();
  });

  it('reads routes from every service', () => {
    for (const s of services)
      expect(operations.filter((o) => o.service === s && o.path.startsWith('/health/')).length).toBe(2);
  });

  it('default deny: every route declares an explicit role list or @Public', () => {
    const undeclared = operations
      .filter((o) => !o.access || 'undeclared' in o.access)
      .map((o) => routeId(o.service, o.route));
    expect(undeclared).toEqual([]);
  });

  it('every route has a row in route-access.ts with the same roles, and every row names a live route', () => {
    const problems: string[] = [];
    for (const op of operations) {
      const r = rowFor(op);
      const declared =
        op.access && 'roles' in op.access ? op.access.roles : op.access && 'public' in op.access ? 'public' : undefined;
      if (!r) {
        const roles = declared === 'public' ? "'public'" : `[${(declared ?? []).map((x) => `'${x}'`).join(', ')}]`;
        problems.push(`missing row: row('${op.service}', '${op.route}', ${roles}, 'district'),`);
      } else if (
        JSON.stringify([...(r.roles === 'public' ? ['public'] : r.roles)].sort()) !==
        JSON.stringify([...(declared === 'public' ? ['public'] : (declared ?? []))].sort())
      ) {
        problems.push(
          `${routeId(op.service, op.route)}: table says ${JSON.stringify(r.roles)}, route declares ${JSON.stringify(declared)}`,
        );
      }
    }
    for (const r of ROUTE_ACCESS.filter((x) => services.includes(x.service))) {
      if (!operations.some((o) => o.service === r.service && o.route === r.route))
        problems.push(`stale row (no such route): ${routeId(r.service, r.route)}`);
    }
    expect(problems).toEqual([]);
  });

  it('no token, an expired, foreign-audience, foreign-issuer, unsigned (alg none), wrong-key or malformed token: 401 on every protected route', async () => {
    const bad = await mintBadTokens(issuer, {
      sub: 'intruder',
      roles: ['district_admin'],
      district_id: world.districtIds.A,
    });
    const problems: string[] = [];
    for (const op of operations.filter((o) => o.access && 'roles' in o.access)) {
      for (const [kind, token] of [['none', undefined], ...Object.entries(bad)] as [string, string | undefined][]) {
        const answer = await world.call(op.service, op.method, fill(op.path), { token });
        if (answer.status !== 401)
          problems.push(`${routeId(op.service, op.route)} with ${kind} token: ${answer.status}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('public routes answer without a token', async () => {
    const problems: string[] = [];
    for (const op of operations.filter((o) => o.access && 'public' in o.access)) {
      const answer = await world.call(op.service, op.method, fill(op.path));
      if ([401, 403].includes(answer.status) || answer.status >= 500)
        problems.push(`${routeId(op.service, op.route)}: ${answer.status}`);
    }
    expect(problems).toEqual([]);
  });

  const requestFor = async (r: RouteRow | undefined, caller: Caller): Promise<MatrixRequest> =>
    r?.request ? r.request(world, caller) : {};

  it('every role of both districts: 403 unless listed; listed roles get through and never see another district or vendor', async () => {
    const problems: string[] = [];
    for (const op of operations.filter((o) => o.access && 'roles' in o.access)) {
      const r = rowFor(op);
      const allowed = op.access && 'roles' in op.access ? op.access.roles : [];
      for (const caller of world.callers) {
        const req = await requestFor(r, caller);
        const answer = await world.call(op.service, op.method, fill(op.path, req.params), {
          token: caller.token,
          body: req.body,
          query: req.query,
        });
        const id = `${routeId(op.service, op.route)} as ${caller.key}`;
        const mayCall = caller.roles.some((role) => allowed.includes(role));
        if (!mayCall) {
          // refused by the guard itself (function level), before any handler or validation ran
          if (answer.status !== 403 || !answer.text.includes('insufficient role')) {
            problems.push(`${id}: expected the guard's 403, got ${answer.status} ${answer.text.slice(0, 120)}`);
          }
          continue;
        }
        if (r?.ok !== undefined && answer.status !== r.ok) {
          problems.push(`${id}: expected ${r.ok}, got ${answer.status} ${answer.text.slice(0, 200)}`);
        }
        // Without a request builder the path ids are random: an object-level 403/404 is a fine answer, the guard's
        // role refusal is not (the role is listed), and neither is 401 or a 5xx.
        const refusedByGuard = answer.status === 403 && /insufficient role|route is not accessible/.test(answer.text);
        if (r?.ok === undefined && (answer.status === 401 || refusedByGuard || answer.status >= 500)) {
          problems.push(`${id}: got ${answer.status} ${answer.text.slice(0, 200)}`);
        }
        const leaked = world.foreignIds(caller).filter((foreign) => answer.text.includes(foreign));
        if (leaked.length) problems.push(`${id}: answer contains foreign ids ${leaked.join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every JSON body is validated against a whitelist: an extra property (approved, vendorId) gets 400 naming it', async () => {
    const problems: string[] = [];
    const withBody = operations.filter((o) => o.jsonBody && o.access && 'roles' in o.access);
    expect(withBody.length).toBeGreaterThan(0);
    for (const op of withBody) {
      const allowed = op.access && 'roles' in op.access ? op.access.roles : [];
      const caller = world.callers.find((c) => c.district === 'A' && c.roles.some((role) => allowed.includes(role)));
      if (!caller) continue;
      const r = rowFor(op);
      const req = await requestFor(r, caller);
      const base = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {};
      // vendorId is only "extra" where the DTO does not declare it (a contract or a tutor legitimately names a vendor)
      const extras = [
        { approved: true },
        ...(op.bodyProperties.includes('vendorId') ? [] : [{ vendorId: world.vendorIds.B }]),
      ];
      for (const extra of extras) {
        const answer = await world.call(op.service, op.method, fill(op.path, req.params), {
          token: caller.token,
          body: { ...base, ...extra },
          query: req.query,
        });
        const name = Object.keys(extra)[0] ?? '';
        const refused =
          r?.body === 'event-verdict'
            ? answer.status < 300 && answer.text.includes('"rejected"') && !answer.text.includes('"accepted"')
            : answer.status === 400 && answer.text.includes(`property ${name} should not exist`);
        if (!refused)
          problems.push(
            `${routeId(op.service, op.route)} with extra ${name}: ${answer.status} ${answer.text.slice(0, 160)}`,
          );
      }
    }
    expect(problems).toEqual([]);
  });

  const firstAllowed = (op: Operation): Caller | undefined => {
    const allowed = op.access && 'roles' in op.access ? op.access.roles : [];
    return world.callers.find((c) => c.district === 'A' && c.roles.some((role) => allowed.includes(role)));
  };

  it('no list returns more than 200 items: limit=201 gets 400 on every route that takes a limit', async () => {
    const problems: string[] = [];
    const paged = operations.filter((o) => o.queryParams.includes('limit') && o.access && 'roles' in o.access);
    expect(paged.length).toBeGreaterThan(0);
    for (const op of paged) {
      const caller = firstAllowed(op);
      if (!caller) continue;
      const req = await requestFor(rowFor(op), caller);
      const answer = await world.call(op.service, op.method, fill(op.path, req.params), {
        token: caller.token,
        query: { ...req.query, limit: '201' },
      });
      if (answer.status !== 400) problems.push(`${routeId(op.service, op.route)} limit=201: ${answer.status}`);
    }
    expect(problems).toEqual([]);
  });

  it('a body over the 1 MiB cap gets 413 on every service', async () => {
    const problems: string[] = [];
    for (const service of services) {
      const op = operations.find((o) => o.service === service && o.jsonBody && firstAllowed(o));
      const caller = op && firstAllowed(op);
      if (!op || !caller) continue;
      const answer = await world.call(op.service, op.method, fill(op.path), {
        token: caller.token,
        body: { padding: 'x'.repeat(1_100_000) },
      });
      if (answer.status !== 413) problems.push(`${routeId(op.service, op.route)}: ${answer.status}`);
    }
    expect(problems).toEqual([]);
  });

  it("school scope: A's leader lists exactly their school's students, A's teacher the students they teach, vendor A its one", async () => {
    const scope = world.schoolScope;
    if (!scope) return expect(services.includes('enrollment') && services.includes('scheduling')).toBe(false);
    const list = async (key: string) => {
      const answer = await world.call('enrollment', 'GET', '/v1/students', {
        token: world.caller(key).token,
        query: { limit: '200', purpose: 'security matrix' },
      });
      return ((JSON.parse(answer.text) as { items: { studentId: string }[] }).items ?? []).map((i) => i.studentId);
    };
    expect((await list('A/school_leader')).sort()).toEqual([...scope.students.mine].sort());
    expect((await list('A/teacher')).sort()).toEqual([...scope.teacher.students].sort());
    expect(scope.teacher.students.length).toBeGreaterThan(0);
    // the probes have something to aim at: a student of the leader's school the teacher does not teach, or another's
    expect(scope.students.other.length).toBeGreaterThan(0);
    const teacherEnrolment = scope.enrolments[scope.teacher.students[0] as string] as string;
    const own = await world.call('enrollment', 'GET', `/v1/enrolments/${teacherEnrolment}`, {
      token: world.caller('A/teacher').token,
    });
    expect(own.status).toBe(200);
    // vendor A lists exactly the enrolment of the one student it serves; vendor A2 none of district A's
    const enrolmentsOf = async (key: string) => {
      const answer = await world.call('enrollment', 'GET', '/v1/enrolments', {
        token: world.caller(key).token,
        query: { programId: world.programIds.A, limit: '200' },
      });
      return ((JSON.parse(answer.text) as { items?: { enrolmentId: string }[] }).items ?? []).map((i) => i.enrolmentId);
    };
    expect(await enrolmentsOf('A/vendor:A')).toEqual([scope.served.enrolmentId]);
    expect(await enrolmentsOf('A/vendor:A2')).toEqual([]);
  });

  it("money: vendor A reads its own statement, A2 lists none of A's; A's district admin finds the issue in the audit log", async () => {
    const money = world.money;
    if (!money) return expect(services.includes('outcomes-contracting')).toBe(false);
    const get = (key: string, path: string, query?: Record<string, string>) =>
      world.call('outcomes-contracting', 'GET', path, { token: world.caller(key).token, query });
    expect((await get('A/vendor:A', `/v1/statements/${money.A.statementId}`)).status).toBe(200);
    expect((await get('A/vendor:A', '/v1/contracts')).text).toContain(money.A.contractId);
    const ofA2 = JSON.parse((await get('A/vendor:A2', '/v1/statements')).text) as { items: unknown[] };
    expect(ofA2.items).toEqual([]);
    const audit = await get('A/district_admin', '/v1/audit', { resourceId: money.A.statementId, limit: '50' });
    expect(JSON.parse(audit.text)).toMatchObject({
      items: expect.arrayContaining([
        expect.objectContaining({ action: 'create', resourceType: 'payout_statement', actorSub: 'matrix-A-finance' }),
      ]),
    });
  });

  it('probes: objects of another district, vendor or school are 403 or 404 and leak nothing', async () => {
    const problems: string[] = [];
    const probed = ROUTE_ACCESS.filter((r) => r.probe && r.roles !== 'public');
    for (const r of probed) {
      const op = operations.find((o) => o.service === r.service && o.route === r.route);
      if (!op || r.roles === 'public' || !r.probe) continue;
      const roles = r.roles;
      // the listed roles, and teachers everywhere: aimed at another school's record, a teacher whom the route does
      // not list gets the guard's 403, one it lists an object-level 403/404
      const probing = world.callers.filter(
        (c) => c.roles.some((role) => roles.includes(role)) || c.roles.every((role) => role === 'teacher'),
      );
      for (const caller of probing) {
        const req = await r.probe(world, caller);
        if (!req) continue;
        const answer = await world.call(op.service, op.method, fill(op.path, req.params), {
          token: caller.token,
          body: req.body,
          query: req.query,
        });
        const id = `${routeId(op.service, op.route)} probe as ${caller.key}`;
        if (![403, 404].includes(answer.status)) problems.push(`${id}: expected 403/404, got ${answer.status}`);
        // an id the caller sent may be named in the refusal ("no student <id>"); any other foreign id is a leak
        const sent = JSON.stringify(req);
        const leaked = world
          .foreignIds(caller)
          .filter((foreign) => answer.text.includes(foreign) && !sent.includes(foreign));
        if (leaked.length) problems.push(`${id}: answer contains foreign ids ${leaked.join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

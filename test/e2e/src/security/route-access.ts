/**
 * Who may call which route: the expectations the authorization matrix (authorization-matrix.e2e.spec.ts) holds every
 * service to. The matrix reads each running service's OpenAPI document and FAILS for any route that is missing here
 * (it prints the line to paste), any route without an explicit role list, and any row whose route no longer exists.
 *
 * ADD ONE LINE PER ROUTE:
 *
 *   row('<service>', '<METHOD> <OpenAPI path>', [<roles allowed>], '<scope>'),
 *   row('<service>', '<METHOD> <OpenAPI path>', [<roles allowed>], '<scope>', { ok: 201, request: (w, c) => ({ body: {...} }) }),
 *
 * - roles: exactly the route's @Roles(...) list. Every other role, from either district, must get 403; no token 401.
 * - scope (object-level rule; the matrix checks the generic part, `probe` the specific part):
 *     'district' the caller sees only its district's data; 'vendor' also only its own vendor's data;
 *     'school' a school_leader only its schools; 'teacher' a teacher only its students; 'none' no tenant data.
 *   For every allowed caller, no id of another district (nor, for vendor callers, of another vendor) — the ids the
 *   world and the fixtures registered with `w.mark(...)` — may appear in the response.
 * - request(w, caller): builds the call for that caller: `params` (path), `query`, `body`. Without it, path params get
 *   random UUIDs and the body is empty, and an allowed caller must get neither 401/403 nor a 5xx.
 * - ok: the status an allowed caller must get with `request` (when given); default 200.
 * - probe(w, caller): a call aimed at an object the caller must NOT reach (other district, other vendor, other
 *   school); the answer must be 403 or 404 and leak nothing.
 * Fixtures may create data through any service (`w.call`) and mark foreign ids (`w.mark(owner, id)`).
 */
import type { Role } from '@tutoring/shared/auth';
import { SERVICE_NAMES, type ServiceName } from '@tutoring/shared/dev-stack';
import type { Caller, MatrixRequest, World } from './matrix-world';

export type Scope = 'district' | 'vendor' | 'school' | 'teacher' | 'none';

export interface RouteRow {
  service: ServiceName;
  /** `GET /v1/vendors/{vendorId}`: the method and the path exactly as in the service's OpenAPI document. */
  route: string;
  roles: readonly Role[] | 'public';
  scope: Scope;
  ok?: number;
  request?: (w: World, caller: Caller) => Promise<MatrixRequest> | MatrixRequest;
  probe?: (w: World, caller: Caller) => Promise<MatrixRequest> | MatrixRequest;
}

type RowOptions = Pick<RouteRow, 'ok' | 'request' | 'probe'>;

export const row = (
  service: ServiceName,
  route: string,
  roles: readonly Role[] | 'public',
  scope: Scope,
  options: RowOptions = {},
): RouteRow => ({ service, route, roles, scope, ...options });

const ADMINS: Role[] = ['district_admin'];

export const ROUTE_ACCESS: RouteRow[] = [
  // every service: probes for Kubernetes, no token, no tenant data
  ...SERVICE_NAMES.flatMap((s) => [
    row(s, 'GET /health/live', 'public', 'none'),
    row(s, 'GET /health/ready', 'public', 'none'),
  ]),
  // enrollment
  row('enrollment', 'POST /v1/vendors', ADMINS, 'district', {
    ok: 201,
    request: (w) => ({ body: { name: `Matrix Vendor ${w.uid()}` } }),
  }),
  row('enrollment', 'GET /v1/vendors', ['district_admin', 'program_manager', 'finance'], 'district', {
    request: () => ({ query: { limit: '200' } }),
  }),
  // session-ledger
  row('session-ledger', 'GET /v1/ledger/entries', ['district_admin', 'program_manager', 'finance', 'vendor'], 'vendor'),
  row('session-ledger', 'GET /v1/ingest/rejections', ['district_admin', 'program_manager', 'vendor'], 'vendor'),
];

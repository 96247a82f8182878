import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Principal } from './principal';
import type { Role } from './roles';

export const ROLES_KEY = 'tutoring:auth:roles';
export const PUBLIC_KEY = 'tutoring:auth:public';
/** Property on the request where the guard stores the verified principal. */
export const PRINCIPAL_KEY = 'principal';

/** The route is reachable by a verified principal holding at least one of these roles. */
export const Roles = (...roles: [Role, ...Role[]]) => SetMetadata(ROLES_KEY, roles);

/** The route needs no token (health, docs). Everything else is denied by default. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The verified principal of the request. Only usable on @Roles routes. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const request = ctx.switchToHttp().getRequest<Record<string, unknown>>();
  const principal = request[PRINCIPAL_KEY] as Principal | undefined;
  if (!principal) throw new Error('@CurrentPrincipal() used on a route without an authenticated principal');
  return principal;
});

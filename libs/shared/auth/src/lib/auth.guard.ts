import {
  ForbiddenException,
  Injectable,
  Logger,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PRINCIPAL_KEY, PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { AuthenticationError, bearerToken } from './jwt.errors';
import { JwtVerifier } from './jwt.verifier';
import { hasAnyRole } from './principal';
import type { Role } from './roles';

/**
 * Global default-deny guard. Order matters: a route with no declaration is refused before the
 * token is even looked at, so a forgotten @Roles can never become "any logged-in user".
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: JwtVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Kafka/RPC handlers are authenticated by the broker, not by bearer tokens.
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles || roles.length === 0) {
      this.logger.error(
        { route: routeName(context) },
        'Route has neither @Roles nor @Public: denied by default (programming error)',
      );
      throw new ForbiddenException('route is not accessible');
    }

    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> } & Record<string, unknown>>();
    const token = bearerToken(request.headers['authorization']);
    if (!token) throw new UnauthorizedException('bearer token is missing');

    let principal;
    try {
      principal = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof AuthenticationError) {
        if (error.internal) this.logger.warn({ err: error.cause }, 'token verification failed unexpectedly');
        throw new UnauthorizedException(error.reason);
      }
      throw error;
    }
    if (!hasAnyRole(principal, roles)) throw new ForbiddenException('insufficient role');
    request[PRINCIPAL_KEY] = principal;
    return true;
  }
}

const routeName = (context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<{ method?: string; url?: string }>();
  return `${context.getClass().name}.${context.getHandler().name} (${request.method ?? '?'} ${request.url ?? '?'})`;
};

import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { PRINCIPAL_KEY } from './auth.decorators';
import type { Principal } from './principal';
import { runWithTenant } from './tenant.context';

/**
 * Runs the handler inside the tenant of the verified principal. Subscribing inside
 * runWithTenant is what makes the whole async chain of the handler see the tenant.
 */
@Injectable()
export class TenantInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const principal = context.switchToHttp().getRequest<Record<string, unknown>>()[PRINCIPAL_KEY] as
      | Principal
      | undefined;
    if (!principal) return next.handle();
    return new Observable((subscriber) =>
      runWithTenant({ districtId: principal.districtId, principal }, () => next.handle().subscribe(subscriber)),
    );
  }
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import type { Principal } from './principal';

/**
 * The tenant a unit of work runs for. Set from a verified token (HTTP) or from a validated
 * event's districtid (consumers); never from a request body or path.
 */
export interface TenantScope {
  readonly districtId: string;
  readonly principal?: Principal;
}

const storage = new AsyncLocalStorage<TenantScope>();

export const runWithTenant = <T>(scope: TenantScope, fn: () => T): T => storage.run(scope, fn);

/** The current tenant; throws when code that needs a tenant runs outside one (a bug, not a 4xx). */
export const currentTenant = (): TenantScope => {
  const scope = storage.getStore();
  if (!scope) throw new Error('No tenant in context: wrap the work in runWithTenant()');
  return scope;
};

export const currentTenantOrUndefined = (): TenantScope | undefined => storage.getStore();

/** Injectable face of the same storage, for repositories that prefer DI over free functions. */
@Injectable()
export class TenantContext {
  get districtId(): string {
    return currentTenant().districtId;
  }

  get principal(): Principal | undefined {
    return currentTenant().principal;
  }

  get scope(): TenantScope | undefined {
    return currentTenantOrUndefined();
  }
}

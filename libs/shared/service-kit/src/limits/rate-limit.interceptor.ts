import {
  HttpException,
  HttpStatus,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import { PRINCIPAL_KEY, type Principal } from '@tutoring/shared/auth';
import { TokenBuckets } from './token-bucket';

export const RATE_LIMIT_OPTIONS = Symbol('RATE_LIMIT_OPTIONS');

export interface RateLimitOptions {
  /** Requests an identity may make per window (burst size); 0 turns the limit off. */
  requests: number;
  windowSec: number;
}

/**
 * The client identity a limit applies to: the vendor (all of a vendor's machine clients share one budget), else the
 * token's subject within its district. Never the IP: districts sit behind NATs and proxies, vendors behind clouds.
 */
export const rateLimitKey = (p: Principal): string =>
  p.vendorId ? `vendor:${p.vendorId}` : `sub:${p.districtId}:${p.sub}`;

/**
 * Runs after the guards, so only authenticated requests reach it and the principal is known. Unauthenticated
 * requests are refused by the guard before any work (token verification against a cached JWKS).
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  private readonly buckets: TokenBuckets | null;

  constructor(options: RateLimitOptions) {
    this.buckets =
      options.requests > 0 ? new TokenBuckets({ capacity: options.requests, windowSec: options.windowSec }) : null;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.buckets || context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const principal = http.getRequest<Record<string, unknown>>()[PRINCIPAL_KEY] as Principal | undefined;
    if (!principal) return next.handle();
    const result = this.buckets.take(rateLimitKey(principal));
    if (!result.allowed) {
      http
        .getResponse<{ setHeader(name: string, value: string): void }>()
        .setHeader('Retry-After', String(result.retryAfterSec));
      throw new HttpException(
        { statusCode: 429, message: 'rate limit exceeded', retryAfterSec: result.retryAfterSec },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    return next.handle();
  }
}

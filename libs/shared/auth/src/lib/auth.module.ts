import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AUTH_CONFIG, normalizeAuthConfig, type AuthConfig } from './auth.config';
import { AuthGuard } from './auth.guard';
import { JwtVerifier } from './jwt.verifier';
import { TenantContext } from './tenant.context';
import { TenantInterceptor } from './tenant.interceptor';

export type AuthModuleOptions = Omit<AuthConfig, 'algorithms'> & { algorithms?: string[] };

@Module({})
export class AuthModule {
  /** Import once in the root module: installs the default-deny guard for every HTTP route. */
  static forRoot(options: AuthModuleOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AUTH_CONFIG, useValue: normalizeAuthConfig(options) },
        JwtVerifier,
        TenantContext,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: TenantInterceptor },
      ],
      exports: [AUTH_CONFIG, JwtVerifier, TenantContext],
    };
  }
}

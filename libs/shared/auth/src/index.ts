export * from './lib/roles';
export * from './lib/auth.config';
export * from './lib/principal';
export * from './lib/jwt.errors';
export { JwtVerifier } from './lib/jwt.verifier';
export * from './lib/tenant.context';
export * from './lib/auth.decorators';
export * from './lib/auth.guard';
export * from './lib/tenant.interceptor';
export * from './lib/auth.module';
// Local development and tests only (see README).
export * from './dev/dev-issuer.server';
export * from './dev/bad-tokens';
export { generateSigningKey, loadOrCreateSigningKey, type SigningKey } from './dev/dev-issuer.keys';

/**
 * LOCAL DEVELOPMENT ONLY: the dev OIDC issuer as its own process, for docker-compose (the quick start runs it
 * in-process). Env: PORT (3100), HOST (0.0.0.0), OIDC_ISSUER (the URL services reach it at), OIDC_AUDIENCE,
 * DEV_ISSUER_KEY_PATH (where the signing key is kept so tokens survive restarts).
 */
import { startDevIssuer } from '@tutoring/shared/auth';

void (async () => {
  const issuer = await startDevIssuer({
    port: Number(process.env.PORT ?? 3100),
    host: process.env.HOST ?? '0.0.0.0',
    issuer: process.env.OIDC_ISSUER,
    audience: process.env.OIDC_AUDIENCE ?? 'tutoring-api',
    keyPath: process.env.DEV_ISSUER_KEY_PATH ?? '.cache/dev-issuer/signing-key.json',
    log: (line) => console.log(line),
  });
  const stop = () => void issuer.stop().then(() => process.exit(0));
  process.on('SIGINT', stop).on('SIGTERM', stop);
})();

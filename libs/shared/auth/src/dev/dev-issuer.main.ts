// LOCAL DEVELOPMENT ONLY: `node -r ./tools/register.js libs/shared/auth/src/dev/dev-issuer.main.ts`
// Env: DEV_ISSUER_PORT (default 4444), OIDC_AUDIENCE (default tutoring-api),
//      DEV_ISSUER_KEY_PATH (default .cache/dev-issuer/key.json so tokens survive restarts).
import { startDevIssuer } from './dev-issuer.server';

void (async () => {
  const issuer = await startDevIssuer({
    port: Number(process.env['DEV_ISSUER_PORT'] ?? 4444),
    audience: process.env['OIDC_AUDIENCE'] ?? 'tutoring-api',
    keyPath: process.env['DEV_ISSUER_KEY_PATH'] ?? '.cache/dev-issuer/key.json',
  });
  process.stdout.write(
    `OIDC_ISSUER=${issuer.issuer}\nOIDC_JWKS_URL=${issuer.jwksUrl}\nOIDC_AUDIENCE=${issuer.audience}\n` +
      `curl -s -XPOST ${issuer.issuer}/token -H 'content-type: application/json' ` +
      `-d '{"sub":"me","roles":["district_admin"],"district_id":"<uuid>"}'\n`,
  );
  const stop = () => void issuer.stop().then(() => process.exit(0));
  process.on('SIGINT', stop).on('SIGTERM', stop);
})();

import { join } from 'node:path';
import type * as LocalInfra from '@tutoring/shared/local-infra';

/**
 * Jest loads global setup/teardown with Node's own require (plus its transformer), outside the module registry,
 * so `moduleNameMapper` and the tsconfig path aliases do not apply: load the lib by file path instead.
 */
export function loadLocalInfra(): typeof LocalInfra {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: aliases are unavailable here
  return require(join(__dirname, '..', '..', '..', 'local-infra', 'src', 'index.ts')) as typeof LocalInfra;
}

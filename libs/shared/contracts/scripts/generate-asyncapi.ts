// Regenerates asyncapi/asyncapi.json from the exported schemas:
//   node -r ./tools/register.js libs/shared/contracts/scripts/generate-asyncapi.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAsyncApiDocument } from '../src/lib/asyncapi/asyncapi.document';

export const ASYNCAPI_PATH = join(__dirname, '..', 'asyncapi', 'asyncapi.json');
export const renderAsyncApi = (): string => `${JSON.stringify(buildAsyncApiDocument(), null, 2)}\n`;

if (require.main === module) writeFileSync(ASYNCAPI_PATH, renderAsyncApi());

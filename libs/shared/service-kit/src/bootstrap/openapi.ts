import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { annotateAccess, routeAccessTable } from './route-access';

export const DOCS_PATH = 'docs';

/** Serves the OpenAPI document at /docs (UI) and /docs-json, outside the /v1 prefix. */
export const setupOpenApi = (app: INestApplication, title: string, version = '1.0.0'): void => {
  const config = new DocumentBuilder()
    .setTitle(title)
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // Each operation says who may call it (x-access), read from the metadata the default-deny guard enforces.
  annotateAccess(document as unknown as Parameters<typeof annotateAccess>[0], routeAccessTable(app));
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: `${DOCS_PATH}-json`, useGlobalPrefix: false });
};

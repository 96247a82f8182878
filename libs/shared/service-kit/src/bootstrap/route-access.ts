// Every HTTP route of an app with the access it declares, read from the same metadata the default-deny guard reads.
// Published in the OpenAPI document as `x-access` on each operation, so the security matrix test (and a district's
// reviewer) can see, from outside the process, that no route is reachable without an explicit role list.
import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { PUBLIC_KEY, ROLES_KEY, type Role } from '@tutoring/shared/auth';

export type RouteAccessDeclaration = { public: true } | { roles: Role[] } | { undeclared: true };

export interface RouteAccessEntry {
  method: string;
  /** OpenAPI style: `/v1/vendors/{vendorId}`. */
  path: string;
  controller: string;
  handler: string;
  access: RouteAccessDeclaration;
}

export interface RouteTableOptions {
  prefix?: string;
  /** Paths served without the prefix (health probes). */
  unprefixed?: readonly string[];
}

const asList = (value: unknown): string[] =>
  Array.isArray(value) ? (value as string[]) : [typeof value === 'string' ? value : ''];
const joinPath = (...parts: string[]): string =>
  `/${parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p.length > 0)
    .join('/')}`;
const toOpenApi = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

// Same precedence as Reflector.getAllAndOverride([handler, class]) in the AuthGuard.
const declaredAccess = (handler: object, controller: object): RouteAccessDeclaration => {
  const isPublic = (Reflect.getMetadata(PUBLIC_KEY, handler) ?? Reflect.getMetadata(PUBLIC_KEY, controller)) as
    boolean | undefined;
  if (isPublic) return { public: true };
  const roles = (Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, controller)) as
    Role[] | undefined;
  return roles && roles.length > 0 ? { roles: [...roles] } : { undeclared: true };
};

export function routeAccessTable(app: INestApplication, options: RouteTableOptions = {}): RouteAccessEntry[] {
  const prefix = options.prefix ?? 'v1';
  const unprefixed = new Set(options.unprefixed ?? ['health/live', 'health/ready']);
  const scanner = new MetadataScanner();
  const entries: RouteAccessEntry[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function') continue;
        const methodPath = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
        if (methodPath === undefined) continue;
        const method =
          RequestMethod[
            (Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined) ?? RequestMethod.GET
          ];
        for (const base of asList(Reflect.getMetadata(PATH_METADATA, controller))) {
          for (const sub of asList(methodPath)) {
            const bare = joinPath(base, sub);
            const path = unprefixed.has(bare.slice(1)) ? bare : joinPath(prefix, bare);
            entries.push({
              method,
              path: toOpenApi(path),
              controller: controller.name,
              handler: name,
              access: declaredAccess(handler, controller),
            });
          }
        }
      }
    }
  }
  return entries;
}

type OpenApiDoc = { paths: Record<string, Record<string, Record<string, unknown>>> };

/** Adds `x-access` to every operation, and an operation for any route the document left out (never hidden). */
export function annotateAccess(document: OpenApiDoc, table: readonly RouteAccessEntry[]): void {
  for (const route of table) {
    const method = route.method.toLowerCase();
    const methods = route.method === 'ALL' ? ['get', 'post', 'put', 'patch', 'delete'] : [method];
    for (const m of methods) {
      const item = (document.paths[route.path] ??= {});
      const operation = (item[m] ??= {
        summary: `${route.controller}.${route.handler}`,
        'x-undocumented': true,
        responses: {},
      });
      operation['x-access'] = route.access;
    }
  }
}

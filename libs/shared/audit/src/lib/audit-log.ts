import { trace } from '@opentelemetry/api';
import type { EntityManager } from 'typeorm';
import { AUDIT_ACTIONS, AUDIT_TABLE, type AuditAction } from './audit-log.migration';

/** Who did it, as asserted by a verified token (or a service identity for consumers). */
export interface AuditActor {
  sub: string;
  roles: readonly string[];
}

export interface AuditEntry {
  actor: AuditActor;
  action: AuditAction;
  /** e.g. `student`, `enrollment`, `payout_statement`. */
  resourceType: string;
  /** Pseudonymous ids only (UUIDs, vendor session ids): never names or local student numbers. */
  resourceIds: readonly string[];
  /** Why: the route or job and its purpose, e.g. `GET /v1/students: roster review`. */
  purpose: string;
  /** Defaults to the tenant set on the transaction (inTenantTransaction); RLS refuses any other district. */
  districtId?: string;
  requestId?: string;
  /** Defaults to the active OpenTelemetry span's trace id. */
  traceId?: string;
}

export interface AuditRecord {
  id: string;
  districtId: string;
  at: string;
  actorSub: string;
  actorRoles: string[];
  action: AuditAction;
  resourceType: string;
  resourceIds: string[];
  purpose: string;
  requestId: string | null;
  traceId: string | null;
}

export interface AuditQuery {
  limit: number;
  /** Entries with an id below this one (the previous page's nextCursor). */
  cursor?: string;
  actorSub?: string;
  action?: AuditAction;
  resourceType?: string;
  resourceId?: string;
  from?: string;
  to?: string;
}

export interface AuditPage {
  items: AuditRecord[];
  nextCursor: string | null;
}

export class InvalidAuditEntry extends Error {}

const schemaOf = (manager: EntityManager): string => {
  const schema = (manager.connection.options as { schema?: string }).schema;
  return schema && /^[a-z][a-z0-9_]*$/.test(schema) ? `${schema}.` : '';
};

const check = (entry: AuditEntry): void => {
  if (!(AUDIT_ACTIONS as readonly string[]).includes(entry.action))
    throw new InvalidAuditEntry(`unknown action ${entry.action}`);
  if (!entry.actor.sub) throw new InvalidAuditEntry('actor.sub is required');
  if (!entry.purpose.trim()) throw new InvalidAuditEntry('purpose is required: say why the records were touched');
};

interface Row {
  id: string;
  district_id: string;
  at: Date;
  actor_sub: string;
  actor_roles: string[];
  action: AuditAction;
  resource_type: string;
  resource_ids: string[];
  purpose: string;
  request_id: string | null;
  trace_id: string | null;
}

const toRecord = (r: Row): AuditRecord => ({
  id: String(r.id),
  districtId: r.district_id,
  at: r.at.toISOString(),
  actorSub: r.actor_sub,
  actorRoles: r.actor_roles,
  action: r.action,
  resourceType: r.resource_type,
  resourceIds: r.resource_ids,
  purpose: r.purpose,
  requestId: r.request_id,
  traceId: r.trace_id,
});

/**
 * Writes and reads a service's audit log. `record` takes the caller's transaction manager so the entry commits or
 * rolls back with the work it describes: a read that returned data is always on record.
 */
export const AuditLog = {
  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    check(entry);
    const traceId = entry.traceId ?? trace.getActiveSpan()?.spanContext().traceId ?? null;
    await manager.query(
      `INSERT INTO ${schemaOf(manager)}${AUDIT_TABLE}
         (district_id, actor_sub, actor_roles, action, resource_type, resource_ids, purpose, request_id, trace_id)
       VALUES (COALESCE($1::uuid, NULLIF(current_setting('tutoring.district_id', true), '')::uuid), $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        entry.districtId ?? null,
        entry.actor.sub,
        [...entry.actor.roles],
        entry.action,
        entry.resourceType,
        [...entry.resourceIds],
        entry.purpose,
        entry.requestId ?? null,
        traceId,
      ],
    );
  },

  /** Newest first; runs inside the caller's tenant transaction, so RLS confines it to that district. */
  async query(manager: EntityManager, q: AuditQuery): Promise<AuditPage> {
    const rows = (await manager.query(
      `SELECT id, district_id, at, actor_sub, actor_roles, action, resource_type, resource_ids, purpose, request_id, trace_id
         FROM ${schemaOf(manager)}${AUDIT_TABLE}
        WHERE ($1::bigint IS NULL OR id < $1::bigint)
          AND ($2::text IS NULL OR actor_sub = $2)
          AND ($3::text IS NULL OR action = $3)
          AND ($4::text IS NULL OR resource_type = $4)
          AND ($5::text IS NULL OR resource_ids @> ARRAY[$5::text])
          AND ($6::timestamptz IS NULL OR at >= $6::timestamptz)
          AND ($7::timestamptz IS NULL OR at < $7::timestamptz)
        ORDER BY id DESC
        LIMIT $8`,
      [
        q.cursor ?? null,
        q.actorSub ?? null,
        q.action ?? null,
        q.resourceType ?? null,
        q.resourceId ?? null,
        q.from ?? null,
        q.to ?? null,
        q.limit + 1,
      ],
    )) as Row[];
    const items = rows.slice(0, q.limit).map(toRecord);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > q.limit && last ? last.id : null };
  },
};

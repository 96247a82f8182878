// Scheduling's audit entries (DESIGN.md §6, docs/security.md control 8): reads of group membership and of occurrences
// that name students, and every change of groups, memberships, tutor assignments, cancellations and applied
// proposals — always inside the tenant transaction of the work, so an entry commits or rolls back with it.
// Resource ids are pseudonymous only: the group's (or occurrence's, proposal's) id first, then the student ids it
// names, so `GET /v1/audit?resourceId=<studentId>` finds every read and change that touched a student.
import type { EntityManager } from 'typeorm';
import { AuditLog, type AuditAction } from '@tutoring/shared/audit';

/** Who acts: a verified token's subject and roles, or scheduling itself (no roles: `service`). */
export interface AuditWho {
  by: string;
  roles?: readonly string[];
  /** The route or job the work came through, e.g. `PUT /v1/groups/:groupId/members`. */
  via?: string;
}

export type SchedulingResource = 'group' | 'occurrence' | 'auto_schedule_proposal';

/** The table's limits: at most 1,000 ids and 500 characters of purpose per entry. */
const MAX_IDS = 1000;
const MAX_PURPOSE = 500;

const purposeOf = (who: AuditWho, what: string): string => {
  const text = who.via ? `${who.via}: ${what}` : what;
  return text.length > MAX_PURPOSE ? `${text.slice(0, MAX_PURPOSE - 1)}…` : text;
};

/**
 * Records one entry (several when more than 1,000 ids: each with the same purpose) in the caller's transaction.
 * Ids are de-duplicated, order kept.
 */
export async function recordSchedulingAudit(
  m: EntityManager,
  who: AuditWho,
  action: AuditAction,
  resourceType: SchedulingResource,
  resourceIds: readonly string[],
  what: string,
): Promise<void> {
  const ids = [...new Set(resourceIds)];
  const actor = { sub: who.by, roles: who.roles && who.roles.length ? [...who.roles] : ['service'] };
  const purpose = purposeOf(who, what);
  for (let i = 0; i === 0 || i < ids.length; i += MAX_IDS)
    await AuditLog.record(m, { actor, action, resourceType, resourceIds: ids.slice(i, i + MAX_IDS), purpose });
}

/** Group entries: the group ids, then every student id they name. */
export const groupResourceIds = (groups: readonly { groupId: string; studentIds: readonly string[] }[]): string[] => [
  ...groups.map((g) => g.groupId),
  ...groups.flatMap((g) => g.studentIds),
];

/** Occurrence entries: the occurrence ids, then every student id they name. */
export const occurrenceResourceIds = (
  occurrences: readonly { occurrenceId: string; studentIds: readonly string[] }[],
): string[] => [...occurrences.map((o) => o.occurrenceId), ...occurrences.flatMap((o) => o.studentIds)];

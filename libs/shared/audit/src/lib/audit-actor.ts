import type { Principal } from '@tutoring/shared/auth';
import type { AuditActor } from './audit-log';

/** The actor of an HTTP request: the verified token's subject and roles. */
export const auditActor = (principal: Principal): AuditActor => ({ sub: principal.sub, roles: [...principal.roles] });

/** The actor of work a service does on its own (a consumer, a scheduled job). */
export const serviceActor = (service: string): AuditActor => ({ sub: `service:${service}`, roles: ['service'] });

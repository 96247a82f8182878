// Kafka credentials per vendor (DESIGN.md §4, §6): one SCRAM-SHA-512 user per vendor and ACLs that let it write its
// sessions topic, read its feedback and assignments topics through consumer groups named with its prefix, and
// nothing else (the broker denies everything without an ACL: allow.everyone.if.no.acl.found=false).
import { randomBytes } from 'node:crypto';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type AclEntry,
  type Kafka,
} from 'kafkajs';
import { vendorAssignmentsTopic, vendorFeedbackTopic, vendorSessionsTopic } from '@tutoring/shared/contracts';
import { KafkaScramAdmin, type ScramAdminConfig } from './vendor-access-scram';

export * from './vendor-access-scram';
export * from './vendor-access-grants';

export const VENDOR_SCRAM_MECHANISM = 'scram-sha-512' as const;

export const vendorKafkaUser = (vendorId: string): string => `vendor-${vendorId}`;
/** Every Kafka name that belongs to a vendor starts with this (its topics, and the consumer groups it may use). */
export const vendorKafkaPrefix = (vendorId: string): string => `tutoring.vendor.${vendorId}.`;

export interface VendorAclBinding {
  resourceType: 'topic' | 'group';
  pattern: 'literal' | 'prefixed';
  name: string;
  operation: 'write' | 'read';
}

/**
 * What a vendor may do, and nothing more. Writing is LITERAL on the sessions topic (a prefix would also cover its
 * dead-letter topic `…sessions.v1.dlq`); reading is PREFIXED on `…feedback.` and `…assignments.` so later versions of
 * those topics need no new grant; consumer groups must start with the vendor prefix. WRITE and READ imply DESCRIBE.
 */
export function vendorAclBindings(vendorId: string): VendorAclBinding[] {
  const prefix = vendorKafkaPrefix(vendorId);
  return [
    { resourceType: 'topic', pattern: 'literal', name: vendorSessionsTopic(vendorId), operation: 'write' },
    { resourceType: 'topic', pattern: 'prefixed', name: `${prefix}feedback.`, operation: 'read' },
    { resourceType: 'topic', pattern: 'prefixed', name: `${prefix}assignments.`, operation: 'read' },
    { resourceType: 'group', pattern: 'prefixed', name: prefix, operation: 'read' },
  ];
}

const toKafkajs = (vendorId: string, b: VendorAclBinding): AclEntry => ({
  resourceType: b.resourceType === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
  resourceName: b.name,
  resourcePatternType: b.pattern === 'literal' ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
  principal: `User:${vendorKafkaUser(vendorId)}`,
  host: '*',
  operation: b.operation === 'write' ? AclOperationTypes.WRITE : AclOperationTypes.READ,
  permissionType: AclPermissionTypes.ALLOW,
});

const nameOf = (table: object, code: number): string =>
  (Object.entries(table).find(([, v]) => v === code)?.[0] ?? String(code)).toLowerCase();

/** Handed to the district admin exactly once; the platform keeps no copy of the password. */
export interface VendorKafkaCredentials {
  vendorId: string;
  username: string;
  password: string;
  mechanism: 'SCRAM-SHA-512';
  topics: { sessions: string; feedback: string; assignments: string };
  consumerGroupPrefix: string;
}

export class VendorAccessProvisioner {
  private readonly scram: KafkaScramAdmin;

  /** `kafka` and `admin` must authenticate as an identity allowed to alter the cluster (SCRAM and ACLs). */
  constructor(
    private readonly kafka: Kafka,
    admin: ScramAdminConfig,
  ) {
    this.scram = new KafkaScramAdmin(admin);
  }

  /** Creates the vendor's user, or rotates its password (the old one stops working), and (re)applies its ACLs. */
  async grant(vendorId: string): Promise<VendorKafkaCredentials> {
    const username = vendorKafkaUser(vendorId);
    const password = randomBytes(32).toString('base64url');
    await this.scram.upsert([{ user: username, mechanism: VENDOR_SCRAM_MECHANISM, password }]);
    await this.withAdmin((admin) =>
      admin.createAcls({ acl: vendorAclBindings(vendorId).map((b) => toKafkajs(vendorId, b)) }),
    );
    return {
      vendorId,
      username,
      password,
      mechanism: 'SCRAM-SHA-512',
      topics: {
        sessions: vendorSessionsTopic(vendorId),
        feedback: vendorFeedbackTopic(vendorId),
        assignments: vendorAssignmentsTopic(vendorId),
      },
      consumerGroupPrefix: vendorKafkaPrefix(vendorId),
    };
  }

  /** Removes the vendor's credentials and every ACL naming it (contract ended, credentials compromised). */
  async revoke(vendorId: string): Promise<void> {
    await this.scram.delete([{ user: vendorKafkaUser(vendorId), mechanism: VENDOR_SCRAM_MECHANISM }]);
    await this.withAdmin((admin) =>
      admin.deleteAcls({
        filters: [
          {
            resourceType: AclResourceTypes.ANY,
            resourcePatternType: ResourcePatternTypes.ANY,
            principal: `User:${vendorKafkaUser(vendorId)}`,
            host: '*',
            operation: AclOperationTypes.ANY,
            permissionType: AclPermissionTypes.ANY,
          },
        ],
      }),
    );
  }

  /** The ACLs the broker holds for the vendor, in the shape of vendorAclBindings (for checks and support). */
  async describe(
    vendorId: string,
  ): Promise<{ resourceType: string; pattern: string; name: string; operation: string }[]> {
    const result = await this.withAdmin((admin) =>
      admin.describeAcls({
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        principal: `User:${vendorKafkaUser(vendorId)}`,
        host: '*',
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      }),
    );
    return result.resources.flatMap((r) =>
      r.acls.map((a) => ({
        resourceType: nameOf(AclResourceTypes, r.resourceType),
        pattern: nameOf(ResourcePatternTypes, r.resourcePatternType),
        name: r.resourceName,
        operation: nameOf(AclOperationTypes, a.operation),
      })),
    );
  }

  private async withAdmin<T>(work: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  }
}

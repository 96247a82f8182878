import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditLog, auditActor } from '@tutoring/shared/audit';
import type { Principal } from '@tutoring/shared/auth';
import { PendingVendorAccess, type VendorKafkaCredentials } from '@tutoring/shared/messaging';
import { SERVICE_RUNTIME, SERVICE_SCHEMA, type ServiceRuntime } from '@tutoring/shared/runtime';

export const VENDOR_ACCESS_PROVISIONER = Symbol('VENDOR_ACCESS_PROVISIONER');
export const VENDOR_ACCESS_BROKERS = Symbol('VENDOR_ACCESS_BROKERS');
export const PENDING_VENDOR_ACCESS = Symbol('PENDING_VENDOR_ACCESS');

/** How often each instance retries grants that could not be applied at registration. */
export const VENDOR_ACCESS_RETRY_INTERVAL_MS = 15_000;

/** What POST /v1/vendors answers about the vendor's Kafka credentials. */
export type RegistrationKafkaCredentials =
  | ({ status: 'issued'; bootstrapServers: readonly string[] } & VendorKafkaCredentials)
  | { status: 'pending'; message: string }
  | { status: 'unavailable'; message: string };

/**
 * The vendor's Kafka credentials, created by its registration (ADR 0019): the grant is owed in the registration
 * transaction, applied right after the commit (the password is returned once, in the registration response), and
 * retried by every instance until the broker holds the user and its ACLs.
 */
@Injectable()
export class VendorKafkaAccess implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(PENDING_VENDOR_ACCESS) private readonly pending: PendingVendorAccess | null,
    @Inject(VENDOR_ACCESS_BROKERS) private readonly brokers: readonly string[],
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime,
  ) {}

  /** In the registration transaction: the grant is owed, and on record in the audit log. */
  async owe(manager: EntityManager, vendorId: string, principal: Principal): Promise<void> {
    if (!this.pending) return;
    await PendingVendorAccess.enqueue(manager, this.schema, vendorId);
    await AuditLog.record(manager, {
      actor: auditActor(principal),
      action: 'create',
      resourceType: 'vendor_kafka_credential',
      resourceIds: [vendorId],
      purpose: 'register vendor: create its Kafka user and ACLs',
    });
  }

  /** After the registration committed: applies the grant now if the broker answers. */
  async issueAfterRegistration(vendorId: string): Promise<RegistrationKafkaCredentials> {
    if (!this.pending)
      return {
        status: 'unavailable',
        message: 'the platform connects to Kafka without SASL: per-vendor credentials are unavailable',
      };
    const creds = await this.pending.grantNow(vendorId);
    return creds
      ? { status: 'issued', ...creds, bootstrapServers: this.brokers }
      : {
          status: 'pending',
          message: `Kafka did not answer; the vendor's user and ACLs are created in the background. Obtain its password with POST /v1/vendors/${vendorId}/kafka-credentials.`,
        };
  }

  onApplicationBootstrap(): void {
    const pending = this.pending;
    if (!pending) return;
    const log = this.runtime.config.logger;
    this.timer = setInterval(() => {
      // the runtime closes the database on SIGTERM before Nest's hooks: skip a tick after that
      if (this.running || !this.runtime.dataSource.isInitialized) return;
      this.running = pending
        .retryDue()
        .then((granted) => {
          if (granted.length) log.info({ vendorIds: granted }, 'vendor Kafka users and ACLs created by retry');
        })
        .catch((e: unknown) =>
          log.warn({ err: e instanceof Error ? e.message : String(e) }, 'vendor Kafka grant retry failed'),
        )
        .finally(() => (this.running = null));
    }, VENDOR_ACCESS_RETRY_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}

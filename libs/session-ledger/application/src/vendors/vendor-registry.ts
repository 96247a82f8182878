import type { DataSource } from 'typeorm';
import {
  deadLetterTopic,
  ENROLLMENT_VENDORS_TOPIC,
  VENDOR_REGISTERED_V1,
  validateEvent,
  vendorAssignmentsTopic,
  vendorFeedbackTopic,
  vendorSessionsTopic,
} from '@tutoring/shared/contracts';
import {
  DeadLetterPublisher,
  decodeCloudEvent,
  FieldError,
  IncomingMessage,
  KafkaAdmin,
  MessageBatchHandler,
  MessagingLogger,
  processOnce,
} from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';

export const vendorTopics = (vendorId: string): string[] => [
  vendorSessionsTopic(vendorId),
  vendorFeedbackTopic(vendorId),
  vendorAssignmentsTopic(vendorId),
  deadLetterTopic(vendorSessionsTopic(vendorId)),
];

/**
 * Keeps the ledger's list of registered vendors, opens each vendor's topics, and points the ingest consumer at
 * every sessions topic. Runs from enrollment's VendorRegistered events; on start-up it reconciles from its table,
 * so a crash between recording a vendor and creating its topics heals itself. The vendor itself is tenant data
 * (known_vendors, under RLS); the list of vendors with topics is not (vendor_topics), so reconcile reads it across
 * districts without a tenant.
 */
export class VendorRegistry implements MessageBatchHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly admin: KafkaAdmin,
    private readonly onSessionsTopics: (topics: string[]) => Promise<void>,
    private readonly deadLetters: (topic: string) => DeadLetterPublisher,
    private readonly logger: MessagingLogger,
  ) {}

  private async deadLetter(message: IncomingMessage, errors: FieldError[]): Promise<void> {
    this.logger.error({ offset: message.offset, errors }, 'invalid message on the vendors topic: dead-lettered');
    await this.deadLetters(deadLetterTopic(message.topic)).publish(message, { errors, stage: 'vendor-registry' });
  }

  static sharedTopics(): string[] {
    return [ENROLLMENT_VENDORS_TOPIC, deadLetterTopic(ENROLLMENT_VENDORS_TOPIC)];
  }

  async knownVendorIds(): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT vendor_id FROM ${this.schema}.vendor_topics ORDER BY vendor_id`,
    )) as { vendor_id: string }[];
    return rows.map((r) => r.vendor_id);
  }

  async reconcile(): Promise<void> {
    const vendors = await this.knownVendorIds();
    await this.admin.ensureTopics(vendors.flatMap(vendorTopics).map((topic) => ({ topic })));
    await this.onSessionsTopics(vendors.map(vendorSessionsTopic));
  }

  async handleBatch(messages: IncomingMessage[]): Promise<void> {
    let changed = false;
    for (const message of messages) {
      const decoded = decodeCloudEvent(message);
      if (!decoded.ok) {
        await this.deadLetter(message, decoded.errors);
        continue;
      }
      if (decoded.event.type !== VENDOR_REGISTERED_V1) continue; // other vendor events are not the ledger's business
      const validated = validateEvent(VENDOR_REGISTERED_V1, decoded.event.data);
      if (!validated.ok) {
        await this.deadLetter(message, validated.errors);
        continue;
      }
      const v = validated.value;
      await inTenantTransaction(this.dataSource, v.districtId, async (m) => {
        if (!(await processOnce(m, this.schema, 'vendor-registry', decoded.event.id))) return;
        await m.query(
          `INSERT INTO ${this.schema}.known_vendors (vendor_id, district_id, name, registered_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (vendor_id) DO NOTHING`,
          [v.vendorId, v.districtId, v.name, v.registeredAt],
        );
        await m.query(
          `INSERT INTO ${this.schema}.vendor_topics (vendor_id, registered_at) VALUES ($1, $2) ON CONFLICT (vendor_id) DO NOTHING`,
          [v.vendorId, v.registeredAt],
        );
      });
      await this.admin.ensureTopics(vendorTopics(v.vendorId).map((topic) => ({ topic })));
      this.logger.info({ vendorId: v.vendorId }, 'vendor topics ready');
      changed = true;
    }
    if (changed) await this.onSessionsTopics((await this.knownVendorIds()).map(vendorSessionsTopic));
  }
}

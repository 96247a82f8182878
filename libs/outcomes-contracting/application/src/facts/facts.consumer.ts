// Consumes what the ledger, enrollment and scheduling publish into the local fact tables. Every message is
// decoded, validated against its producer's contract, and recorded inside the tenant transaction of its
// district together with its idempotency mark (processOnce): a redelivered message is a no-op. Anything that
// cannot be read goes to the topic's dead-letter topic with the reason; nothing is silently dropped.
import type { DataSource } from 'typeorm';
import {
  ASSESSMENT_RECORDED_V1,
  deadLetterTopic,
  ENROLLMENT_ASSESSMENTS_TOPIC,
  LEDGER_SESSION_RECORDED_V1,
  LEDGER_TOPIC,
  OCCURRENCE_CANCELLED_V1,
  OCCURRENCE_PLANNED_V1,
  SCHEDULING_TOPIC,
  validateInternalEvent,
} from '@tutoring/shared/contracts';
import {
  decodeCloudEvent,
  processOnce,
  type DeadLetterPublisherPort,
  type FieldError,
  type IncomingMessage,
  type MessageBatchHandler,
  type MessagingLogger,
} from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import type { EntityManager } from 'typeorm';
import { FactsStore } from '@tutoring/outcomes-contracting/infrastructure';
import { validateLedgerEvent } from './ledger-event.check';

export const FACTS_CONSUMER = 'outcomes-contracting.facts';
export const FACT_TOPICS = [LEDGER_TOPIC, ENROLLMENT_ASSESSMENTS_TOPIC, SCHEDULING_TOPIC];

type Recorder = { districtId: string; record: (m: EntityManager) => Promise<void> };

export class FactsConsumer implements MessageBatchHandler {
  private readonly facts: FactsStore;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly deadLetters: (topic: string) => DeadLetterPublisherPort,
    private readonly logger: MessagingLogger,
  ) {
    this.facts = new FactsStore(schema);
  }

  private async deadLetter(message: IncomingMessage, errors: FieldError[], stage: string): Promise<void> {
    this.logger.warn({ topic: message.topic, offset: message.offset, errors }, 'unreadable fact event: dead-lettered');
    await this.deadLetters(deadLetterTopic(message.topic)).publish(message, { errors, stage });
  }

  /** What to record for a validated event; null for types this context does not use. */
  private recorder(type: string, data: unknown): Recorder | { errors: FieldError[] } | null {
    const invalid = (errors: FieldError[]) => ({ errors });
    switch (type) {
      case LEDGER_SESSION_RECORDED_V1: {
        const v = validateLedgerEvent(data);
        return v.ok
          ? { districtId: v.value.districtId, record: (m) => this.facts.recordLedgerEntry(m, v.value) }
          : invalid(v.errors);
      }
      case ASSESSMENT_RECORDED_V1: {
        const v = validateInternalEvent(ASSESSMENT_RECORDED_V1, data);
        return v.ok
          ? { districtId: v.value.districtId, record: (m) => this.facts.recordAssessment(m, v.value) }
          : invalid(v.errors);
      }
      case OCCURRENCE_PLANNED_V1: {
        const v = validateInternalEvent(OCCURRENCE_PLANNED_V1, data);
        return v.ok
          ? { districtId: v.value.districtId, record: (m) => this.facts.recordOccurrencePlanned(m, v.value) }
          : invalid(v.errors);
      }
      case OCCURRENCE_CANCELLED_V1: {
        const v = validateInternalEvent(OCCURRENCE_CANCELLED_V1, data);
        return v.ok
          ? { districtId: v.value.districtId, record: (m) => this.facts.recordOccurrenceCancelled(m, v.value) }
          : invalid(v.errors);
      }
      default:
        return null;
    }
  }

  async handleBatch(messages: IncomingMessage[]): Promise<void> {
    for (const message of messages) {
      const decoded = decodeCloudEvent(message);
      if (!decoded.ok) {
        await this.deadLetter(message, decoded.errors, 'decode');
        continue;
      }
      const r = this.recorder(decoded.event.type, decoded.event.data);
      if (r === null) continue; // other events on these topics are not this context's business
      if ('errors' in r) {
        await this.deadLetter(message, r.errors, 'validate');
        continue;
      }
      if (decoded.event.districtid !== undefined && decoded.event.districtid !== r.districtId) {
        await this.deadLetter(
          message,
          [{ path: 'ce_districtid', code: 'mismatch', message: 'must equal data.districtId' }],
          'validate',
        );
        continue;
      }
      await inTenantTransaction(this.dataSource, r.districtId, async (m) => {
        if (await processOnce(m, this.schema, FACTS_CONSUMER, decoded.event.id)) await r.record(m);
      });
    }
  }
}

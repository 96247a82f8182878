import type { DataSource } from 'typeorm';
import { isReferenceEventType, referenceUpdateOf } from '@tutoring/session-ledger/domain';
import { ReferenceStore } from '@tutoring/session-ledger/infrastructure';
import {
  deadLetterTopic,
  ENROLLMENT_ORGANISATION_TOPIC,
  ENROLLMENT_STUDENTS_TOPIC,
  ENROLLMENT_TUTORS_TOPIC,
  SCHEDULING_TOPIC,
  validateInternalEvent,
} from '@tutoring/shared/contracts';
import {
  decodeCloudEvent,
  DeadLetterPublisher,
  FieldError,
  IncomingMessage,
  MessageBatchHandler,
  MessagingLogger,
  processOnce,
  withMessageSpan,
} from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';

export const REFERENCE_TOPICS = [
  ENROLLMENT_ORGANISATION_TOPIC,
  ENROLLMENT_STUDENTS_TOPIC,
  ENROLLMENT_TUTORS_TOPIC,
  SCHEDULING_TOPIC,
];

/**
 * Keeps the ledger's reference facts (roster, consent, calendars, programs, tutors, planned occurrences) from
 * enrollment's and scheduling's events. Each event is validated against its producer's schema before anything
 * touches it; an invalid one goes, bytes unchanged, to `<topic>.dlq`. Idempotent: the event id is recorded in the
 * same tenant transaction as the upsert, and every upsert is a full snapshot anyway (a cancellation is kept as a fact
 * of its own, keyed by its event id).
 */
export class ReferenceEventsHandler implements MessageBatchHandler {
  private readonly store: ReferenceStore;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly deadLetters: (topic: string) => DeadLetterPublisher,
    private readonly logger: MessagingLogger,
  ) {
    this.store = new ReferenceStore(schema);
  }

  async handleBatch(messages: IncomingMessage[]): Promise<void> {
    for (const message of messages) await withMessageSpan(message, () => this.handle(message));
  }

  private async handle(message: IncomingMessage): Promise<void> {
    const decoded = decodeCloudEvent(message);
    if (!decoded.ok) return this.deadLetter(message, decoded.errors);
    const event = decoded.event;
    if (!isReferenceEventType(event.type)) return; // assessments, groups…: not needed by the billable-line rules
    const validated = validateInternalEvent(event.type, event.data);
    if (!validated.ok) return this.deadLetter(message, validated.errors);
    const districtId = (validated.value as { districtId: string }).districtId;
    if (event.districtid !== undefined && event.districtid !== districtId) {
      return this.deadLetter(message, [
        { path: 'ce_districtid', code: 'mismatch', message: 'must equal data.districtId' },
      ]);
    }
    const update = referenceUpdateOf(event.type, validated.value as never, { eventId: event.id, time: event.time });
    await inTenantTransaction(this.dataSource, districtId, async (m) => {
      if (!(await processOnce(m, this.schema, 'reference', event.id))) return;
      await this.store.apply(m, update);
    });
  }

  private async deadLetter(message: IncomingMessage, errors: FieldError[]): Promise<void> {
    this.logger.error(
      { topic: message.topic, offset: message.offset, codes: errors.map((e) => `${e.path}:${e.code}`) },
      'invalid reference event: dead-lettered',
    );
    await this.deadLetters(deadLetterTopic(message.topic)).publish(message, { errors, stage: 'reference' });
  }
}

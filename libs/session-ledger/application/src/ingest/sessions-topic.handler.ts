import {
  decodeCloudEvent,
  DeadLetterPublisher,
  IncomingMessage,
  MessageBatchHandler,
  MessagingLogger,
  withMessageSpan,
} from '@tutoring/shared/messaging';
import {
  deadLetterTopic,
  FIELD_ERROR_CODES,
  FieldError,
  FieldErrorCode,
  MAX_EVENT_BYTES,
  parseVendorTopic,
} from '@tutoring/shared/contracts';
import { SessionIngestService } from './session-ingest.service';

/** Transport errors carry the messaging codes; feedback speaks the contract's codes (unknown ones become `invalid`). */
export const asContractError = (e: { path: string; code: string; message: string }): FieldError => ({
  ...e,
  code: (FIELD_ERROR_CODES as readonly string[]).includes(e.code) ? (e.code as FieldErrorCode) : 'invalid',
});

/**
 * Kafka shell of ingest: decodes each message of a vendor's sessions topic (binary or structured CloudEvents) and
 * hands it to the one ingest path. A rejected message is copied, bytes unchanged, to `<topic>.dlq` before its
 * rejection commits, so a crash in between can duplicate a dead letter (same source offset in its headers) but
 * never lose one.
 */
export class SessionsTopicHandler implements MessageBatchHandler {
  constructor(
    private readonly ingest: SessionIngestService,
    private readonly deadLetters: (topic: string) => DeadLetterPublisher,
    private readonly logger: MessagingLogger,
  ) {}

  async handleBatch(messages: IncomingMessage[]): Promise<void> {
    for (const message of messages) await withMessageSpan(message, () => this.handle(message));
  }

  private async handle(message: IncomingMessage): Promise<void> {
    const vendorId = parseVendorTopic(message.topic)?.vendorId ?? null;
    const decoded = decodeCloudEvent(message, { maxBytes: MAX_EVENT_BYTES });
    const ref = `${message.topic}/${message.partition}/${message.offset}`;
    const origin = {
      channel: 'kafka' as const,
      ref,
      topic: message.topic,
      vendorId,
      claimedDistrictId: message.headers['ce_districtid'],
      metadata: { topic: message.topic, partition: message.partition, offset: message.offset },
    };
    const input = decoded.ok
      ? { ok: true as const, envelope: decoded.event }
      : { ok: false as const, errors: decoded.errors.map(asContractError), eventId: message.headers['ce_id'] ?? null };

    // Undecodable messages are dead-lettered before the rejection commits; other rejections need the database's
    // verdict first. Either way a redelivery after a crash dead-letters again: duplicates possible, losses not.
    if (!decoded.ok) await this.deadLetter(message, decoded.errors);
    const outcome = await this.ingest.ingest(input, origin);
    if (outcome.status === 'rejected') {
      if (decoded.ok) await this.deadLetter(message, outcome.errors);
      this.logger.info(
        { ref, vendorId, codes: outcome.errors.map((e) => `${e.path}:${e.code}`) },
        'session event rejected',
      );
    }
  }

  private async deadLetter(
    message: IncomingMessage,
    errors: { path: string; code: string; message: string }[],
  ): Promise<void> {
    await this.deadLetters(deadLetterTopic(message.topic)).publish(message, { errors, stage: 'session-ingest' });
  }
}

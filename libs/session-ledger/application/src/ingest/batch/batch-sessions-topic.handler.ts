import { deadLetterTopic, MAX_EVENT_BYTES, parseVendorTopic } from '@tutoring/shared/contracts';
import {
  BatchContext,
  decodeCloudEvent,
  DeadLetterPublisher,
  IncomingMessage,
  MessageBatchHandler,
  MessagingLogger,
} from '@tutoring/shared/messaging';
import { asContractError } from '../sessions-topic.handler';
import { BatchItem, SessionBatchIngest } from './session-batch-ingest';
import { StageTimer } from './stage-timer';

/** Messages per ingest transaction: large enough to amortise round trips, small enough for one statement each. */
export const INGEST_CHUNK = 1_000;

/**
 * Kafka shell of batched ingest: the consumer hands over a fetched batch of one partition; it is ingested in
 * chunks, each in one transaction, and the runner commits the offsets only after the handler returns. Dead
 * letters as in SessionsTopicHandler: undecodable messages before their rejection commits, other rejections right
 * after (a crash in between duplicates a dead letter, never loses one).
 */
export class BatchSessionsTopicHandler implements MessageBatchHandler {
  constructor(
    private readonly ingest: SessionBatchIngest,
    private readonly deadLetters: (topic: string) => DeadLetterPublisher,
    private readonly logger: MessagingLogger,
    private readonly chunk = INGEST_CHUNK,
  ) {}

  private readonly timer = StageTimer.fromEnv();

  async handleBatch(messages: IncomingMessage[], ctx?: BatchContext): Promise<void> {
    this.timer.mark('betweenBatches');
    for (let i = 0; i < messages.length; i += this.chunk) {
      await this.handleChunk(messages.slice(i, i + this.chunk));
      // A fetched batch spans several chunks (several transactions): stay in the group between them. During a
      // rebalance this throws, the runner commits nothing of the batch, and the committed chunks are redelivered
      // as no-ops (processed refs, ce_id uniqueness).
      await ctx?.heartbeat();
    }
    this.timer.endChunk(messages.length);
    this.timer.begin();
  }

  private async handleChunk(messages: IncomingMessage[]): Promise<void> {
    const items: BatchItem[] = [];
    for (const message of messages) {
      const vendorId = parseVendorTopic(message.topic)?.vendorId ?? null;
      const decoded = decodeCloudEvent(message, { maxBytes: MAX_EVENT_BYTES });
      const ref = `${message.topic}/${message.partition}/${message.offset}`;
      if (!decoded.ok) await this.deadLetter(message, decoded.errors);
      items.push({
        decoded: decoded.ok
          ? { ok: true, envelope: decoded.event }
          : { ok: false, errors: decoded.errors.map(asContractError), eventId: message.headers['ce_id'] ?? null },
        origin: {
          channel: 'kafka',
          ref,
          topic: message.topic,
          vendorId,
          // As on the per-message path: an undecodable message is still judged in the district it names.
          claimedDistrictId: message.headers['ce_districtid'],
          metadata: { topic: message.topic, partition: message.partition, offset: message.offset },
        },
      });
    }
    this.timer.mark('decode');
    const outcomes = await this.ingest.ingestBatch(items);
    this.timer.mark('ingest');
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status !== 'rejected') continue;
      const message = messages[i] as IncomingMessage;
      if ((items[i] as BatchItem).decoded.ok) await this.deadLetter(message, outcome.errors);
      this.logger.info(
        { ref: (items[i] as BatchItem).origin.ref, codes: outcome.errors.map((e) => `${e.path}:${e.code}`) },
        'session event rejected',
      );
    }
    this.timer.mark('deadLetters');
  }

  private async deadLetter(
    message: IncomingMessage,
    errors: { path: string; code: string; message: string }[],
  ): Promise<void> {
    await this.deadLetters(deadLetterTopic(message.topic)).publish(message, { errors, stage: 'session-ingest' });
  }
}

import type { DataSource } from 'typeorm';
import { deadLetterTopic } from '@tutoring/shared/contracts';
import {
  DeadLetterPublisher,
  decodeCloudEvent,
  FieldError,
  IncomingMessage,
  MessageBatchHandler,
  MessagingLogger,
  processOnce,
  withMessageSpan,
} from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { isHistory, LiveStart, ReadModelStore } from '@tutoring/notifications/infrastructure';
import { EventDecisions, Mode } from './event-decisions';
import { isInputType, validateInput } from './event-inputs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface HandlerOptions {
  mode: Mode;
  /** processed_messages consumer name: the live one, or one per rebuild so a rebuild re-reads everything. */
  consumerName: string;
  /** Replay only: apply events of this district only. */
  onlyDistrict?: string;
  /** Replay only: called after each message, to follow progress against the watermark. */
  onProgress?: (message: IncomingMessage, applied: boolean) => void;
}

/** How one message is applied: live, or silently (a rebuild, or history from before the service's first start). */
export const modeOf = (
  options: Pick<HandlerOptions, 'mode'>,
  liveStart: LiveStart,
  message: Pick<IncomingMessage, 'topic' | 'partition' | 'offset'>,
): Mode =>
  options.mode === 'replay' || isHistory(liveStart, message.topic, message.partition, message.offset)
    ? 'replay'
    : 'live';

/**
 * Kafka shell: decode (binary or structured CloudEvents), ignore types notifications does not read, validate,
 * then one tenant transaction per event: processed-message record + read model + decisions.
 */
export class NotificationEventsHandler implements MessageBatchHandler {
  private liveStart: LiveStart = new Map();

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly readModels: ReadModelStore,
    private readonly decisions: EventDecisions,
    private readonly options: HandlerOptions,
    private readonly deadLetters: (topic: string) => DeadLetterPublisher,
    private readonly logger: MessagingLogger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Set before the consumer starts: messages below these offsets predate the service and never notify. */
  setLiveStart(liveStart: LiveStart): void {
    this.liveStart = liveStart;
  }

  async handleBatch(messages: IncomingMessage[]): Promise<void> {
    for (const message of messages) {
      const applied = await withMessageSpan(message, () => this.handle(message));
      this.options.onProgress?.(message, applied);
    }
  }

  private async deadLetter(message: IncomingMessage, errors: FieldError[]): Promise<void> {
    if (this.options.mode === 'replay') return; // the live consumer already dead-lettered it
    this.logger.warn(
      { topic: message.topic, offset: message.offset, codes: errors.map((e) => `${e.path}:${e.code}`) },
      'invalid input event: dead-lettered',
    );
    await this.deadLetters(deadLetterTopic(message.topic)).publish(message, { errors, stage: 'notifications' });
  }

  private async handle(message: IncomingMessage): Promise<boolean> {
    const decoded = decodeCloudEvent(message);
    if (!decoded.ok) {
      await this.deadLetter(message, decoded.errors);
      return false;
    }
    const { type, id, data } = decoded.event;
    if (!isInputType(type)) return false;
    const valid = validateInput(type, data);
    if (!valid.ok) {
      await this.deadLetter(message, valid.errors);
      return false;
    }
    const districtId = valid.data['districtId'];
    if (
      typeof districtId !== 'string' ||
      !UUID.test(districtId) ||
      (decoded.event.districtid && decoded.event.districtid !== districtId)
    ) {
      await this.deadLetter(message, [
        { path: 'districtId', code: 'invalid', message: 'must be a UUID matching the districtid attribute' },
      ]);
      return false;
    }
    if (this.options.onlyDistrict && districtId !== this.options.onlyDistrict) return false;
    const now = this.clock();
    const created = await inTenantTransaction(this.dataSource, districtId, async (m) => {
      await this.readModels.registerTenant(m, districtId);
      if (!(await processOnce(m, this.schema, this.options.consumerName, id))) return -1;
      return this.decisions.handle(m, type, valid.data, districtId, modeOf(this.options, this.liveStart, message), now);
    });
    if (created > 0) this.logger.info({ eventId: id, type, notifications: created }, 'notifications decided');
    return created >= 0;
  }
}

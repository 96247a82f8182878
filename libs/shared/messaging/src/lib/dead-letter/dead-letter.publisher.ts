import {
  DEAD_LETTER_TOPIC,
  type DeadLetterPublisherPort,
  type DeadLetterReason,
  type IncomingMessage,
  type RawMessageSender,
} from '../ports/messaging.ports';
import { buildDeadLetterMessage } from './dead-letter.headers';

export interface DeadLetterPublisherOptions {
  consumerGroup: string;
  topic?: string;
  now?: () => Date;
}

/** Forwards the original bytes of a message that cannot be processed, with why and where it failed. */
export class DeadLetterPublisher implements DeadLetterPublisherPort {
  constructor(
    private readonly sender: RawMessageSender,
    private readonly options: DeadLetterPublisherOptions,
  ) {}

  async publish(original: IncomingMessage, reason: DeadLetterReason): Promise<void> {
    const failedAt = (this.options.now ?? (() => new Date()))();
    const message = buildDeadLetterMessage(original, reason, { consumerGroup: this.options.consumerGroup, failedAt });
    await this.sender.sendRaw(this.options.topic ?? DEAD_LETTER_TOPIC, [message]);
  }
}

import type { Channel } from '@tutoring/notifications/domain';

/** One message to one address, already rendered. `deliveryId` is stable across retries (idempotency key). */
export interface OutgoingNotification {
  deliveryId: string;
  districtId: string;
  recipientId: string;
  channel: Channel;
  address: string;
  language: string;
  subject: string;
  body: string;
  notificationIds: readonly string[];
  /** Email: the Message-ID recorded at the first attempt; every resend carries it. */
  messageId?: string | null;
}

/** A failure that retrying cannot fix (bad address, 4xx): the delivery goes straight to the dead letters. */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

export interface ChannelSender {
  readonly channel: Channel;
  /** Resolves once the other side accepted the message; throws to retry, PermanentDeliveryError to give up. */
  send(message: OutgoingNotification): Promise<void>;
}

/** SMS providers differ; the service depends on this port only. */
export interface SmsProvider {
  sendSms(to: string, text: string, idempotencyKey: string): Promise<void>;
}

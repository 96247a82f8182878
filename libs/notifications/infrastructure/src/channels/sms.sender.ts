import type { MessagingLogger } from '@tutoring/shared/messaging';
import { ChannelSender, OutgoingNotification, SmsProvider } from './channel.port';

export class SmsSender implements ChannelSender {
  readonly channel = 'sms' as const;
  constructor(private readonly provider: SmsProvider) {}

  async send(message: OutgoingNotification): Promise<void> {
    await this.provider.sendSms(message.address, `${message.subject}\n${message.body}`, message.deliveryId);
  }
}

/**
 * FOR LOCAL DEVELOPMENT ONLY: sends nothing, logs that it would have (delivery id and length, never the number or
 * the text). A district configures a real provider adapter behind SmsProvider; the service refuses to start with
 * this one unless NOTIFICATIONS_SMS_PROVIDER=logging-local-only is set explicitly.
 */
export class LoggingSmsProviderForLocalOnly implements SmsProvider {
  readonly sent: { idempotencyKey: string; length: number }[] = [];
  constructor(private readonly logger: MessagingLogger) {}

  async sendSms(_to: string, text: string, idempotencyKey: string): Promise<void> {
    this.sent.push({ idempotencyKey, length: text.length });
    this.logger.info({ deliveryId: idempotencyKey, length: text.length }, 'SMS NOT SENT (local logging provider)');
  }
}

/** The inbox is the delivery row itself (GET /v1/inbox); "sending" only marks it visible. */
export class InboxSender implements ChannelSender {
  readonly channel = 'inbox' as const;
  async send(): Promise<void> {
    // Nothing leaves the service: the delivery row, marked sent, is what the inbox lists.
  }
}

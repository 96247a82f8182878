import type { DataSource } from 'typeorm';
import type { Channel } from '@tutoring/notifications/domain';
import {
  ChannelSender,
  ClaimedDelivery,
  DeliveryStore,
  PermanentDeliveryError,
  ReadModelStore,
} from '@tutoring/notifications/infrastructure';
import {
  NOTIFICATION_SENT_V1,
  NOTIFICATIONS_TOPIC,
  NotificationSentV1,
  validateInternalEvent,
} from '@tutoring/shared/contracts';
import { CloudEvent, enqueueOutbox, MessagingLogger } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';

export interface DispatcherOptions {
  /** How long a claimed delivery is ours; after a crash it is claimed again once this has passed. */
  leaseMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  batchSize: number;
  /** Right-hand side of the Message-ID fixed at an email's first attempt (NOTIFICATIONS_MESSAGE_ID_DOMAIN). */
  messageIdDomain: string;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = {
  leaseMs: 120_000,
  maxAttempts: 8,
  backoffBaseMs: 5_000,
  backoffMaxMs: 3_600_000,
  batchSize: 20,
  messageIdDomain: 'notifications.tutoring.invalid',
};

/** Exponential backoff: base · 2^(attempt−1), capped. */
export const backoffMs = (attempt: number, o: Pick<DispatcherOptions, 'backoffBaseMs' | 'backoffMaxMs'>): number =>
  Math.min(o.backoffMaxMs, o.backoffBaseMs * 2 ** Math.max(0, attempt - 1));

const SOURCE = 'urn:tutoring:service:notifications';

/**
 * Sends claimed deliveries. Order per delivery: claim (commit: status sending, lease, the attempt and the email's
 * Message-ID recorded) → read what the "sent" commit needs → send → mark sent with the NotificationSent events in the
 * outbox (commit: one UPDATE and one INSERT). A crash before the send leaves a lease that expires and the delivery is
 * sent then; a crash after the other side accepted but before "sent" commits sends it again with the same recorded
 * id (Message-ID / delivery-id header): the only at-least-once window, documented in docs/services/notifications.md.
 */
export class Dispatcher {
  private readonly senders: Map<Channel, ChannelSender>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly readModels: ReadModelStore,
    private readonly deliveries: DeliveryStore,
    senders: ChannelSender[],
    private readonly logger: MessagingLogger,
    private readonly options: DispatcherOptions = DEFAULT_DISPATCHER_OPTIONS,
    private readonly newId: () => string,
  ) {
    this.senders = new Map(senders.map((s) => [s.channel, s]));
  }

  private stopping = false;

  /** After this, the delivery in hand is finished and the rest of the claimed batch is given back. */
  stop(): void {
    this.stopping = true;
  }

  async dispatchAll(now: () => Date): Promise<number> {
    let sent = 0;
    for (const districtId of await this.readModels.tenants(this.dataSource.manager))
      sent += await this.dispatch(districtId, now);
    return sent;
  }

  async dispatch(districtId: string, now: () => Date): Promise<number> {
    const claimed = await inTenantTransaction(this.dataSource, districtId, (m) =>
      this.deliveries.claim(m, now(), this.options.leaseMs, this.options.batchSize, this.options.messageIdDomain),
    );
    let sent = 0;
    for (const delivery of claimed) {
      if (this.stopping) {
        await inTenantTransaction(this.dataSource, districtId, (m) => this.deliveries.release(m, delivery.deliveryId));
        continue;
      }
      if (await this.sendOne(delivery, now)) sent++;
    }
    return sent;
  }

  private async sendOne(delivery: ClaimedDelivery, now: () => Date): Promise<boolean> {
    const sender = this.senders.get(delivery.channel);
    if (delivery.interruptedAttempts > 0)
      // The earlier attempt died mid-send, maybe after the server accepted it: the resend carries the same id.
      this.logger.warn(
        {
          deliveryId: delivery.deliveryId,
          channel: delivery.channel,
          interruptedAttempts: delivery.interruptedAttempts,
        },
        'resending after an interrupted attempt (same Message-ID / delivery id)',
      );
    let notifications: Awaited<ReturnType<DeliveryStore['notificationsOf']>>;
    try {
      // Read before sending, so that after the server's answer only the "sent" writes remain.
      notifications = await inTenantTransaction(this.dataSource, delivery.districtId, (m) =>
        this.deliveries.notificationsOf(m, delivery.notificationIds),
      );
      if (!sender) throw new PermanentDeliveryError(`no sender configured for channel ${delivery.channel}`);
      await sender.send(delivery);
    } catch (error) {
      const permanent = error instanceof PermanentDeliveryError;
      const reason = error instanceof Error ? error.message : String(error);
      const dead = permanent || delivery.attempts >= this.options.maxAttempts;
      const next = dead ? null : new Date(now().getTime() + backoffMs(delivery.attempts, this.options));
      await inTenantTransaction(this.dataSource, delivery.districtId, (m) =>
        this.deliveries.markFailed(m, delivery.deliveryId, reason, next, now()),
      );
      // Ids and channel only: the address and the text stay out of logs.
      this.logger.warn(
        {
          deliveryId: delivery.deliveryId,
          channel: delivery.channel,
          attempt: delivery.attempts,
          dead,
          err: reason.slice(0, 200),
        },
        'delivery failed',
      );
      return false;
    }
    const at = now();
    await inTenantTransaction(this.dataSource, delivery.districtId, async (m) => {
      if (!(await this.deliveries.markSent(m, delivery.deliveryId, at))) return;
      await enqueueOutbox(
        m,
        this.schema,
        notifications.map((n) => ({
          topic: NOTIFICATIONS_TOPIC,
          key: n.notificationId,
          event: this.sentEvent(delivery.districtId, n, at),
        })),
      );
    });
    this.logger.info(
      { deliveryId: delivery.deliveryId, channel: delivery.channel, notifications: delivery.notificationIds.length },
      'delivery sent',
    );
    return true;
  }

  private sentEvent(
    districtId: string,
    n: { notificationId: string; rule: string; recipientId: string; channel: Channel },
    at: Date,
  ): CloudEvent<NotificationSentV1> {
    const data: NotificationSentV1 = {
      notificationId: n.notificationId,
      districtId,
      rule: n.rule,
      channel: n.channel,
      recipientId: n.recipientId,
      sentAt: at.toISOString(),
    };
    const valid = validateInternalEvent(NOTIFICATION_SENT_V1, data);
    if (!valid.ok) throw new Error(`NotificationSent does not match its schema: ${JSON.stringify(valid.errors)}`);
    return {
      specversion: '1.0',
      id: this.newId(),
      source: SOURCE,
      type: NOTIFICATION_SENT_V1,
      time: at.toISOString(),
      subject: n.notificationId,
      datacontenttype: 'application/json',
      districtid: districtId,
      data,
    };
  }
}

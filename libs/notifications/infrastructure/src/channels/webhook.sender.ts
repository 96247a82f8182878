import { createHmac } from 'node:crypto';
import { ChannelSender, OutgoingNotification, PermanentDeliveryError } from './channel.port';

export const SIGNATURE_HEADER = 'x-tutoring-signature';
export const TIMESTAMP_HEADER = 'x-tutoring-timestamp';
export const DELIVERY_HEADER = 'x-tutoring-delivery-id';

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`: the receiver recomputes it with the shared secret. */
export const signWebhook = (secret: string, timestamp: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

/**
 * Webhooks: a JSON POST signed with HMAC-SHA256. Retries (with exponential backoff) are the dispatcher's; the
 * delivery id header lets the receiver drop a repeat. 2xx = delivered; 4xx other than 408/429 = permanent.
 */
export class WebhookSender implements ChannelSender {
  readonly channel = 'webhook' as const;

  constructor(
    private readonly secret: string,
    private readonly clock: () => Date = () => new Date(),
    private readonly timeoutMs = 10_000,
  ) {}

  async send(message: OutgoingNotification): Promise<void> {
    const body = JSON.stringify({
      deliveryId: message.deliveryId,
      districtId: message.districtId,
      recipientId: message.recipientId,
      notificationIds: message.notificationIds,
      language: message.language,
      subject: message.subject,
      text: message.body,
    });
    const timestamp = String(Math.floor(this.clock().getTime() / 1000));
    const res = await fetch(message.address, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signWebhook(this.secret, timestamp, body),
        [TIMESTAMP_HEADER]: timestamp,
        [DELIVERY_HEADER]: message.deliveryId,
      },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    }).catch((error: unknown) => {
      // Never the URL (it may carry a token): the cause's code only.
      const cause =
        (error as { cause?: { code?: string }; name?: string }).cause?.code ??
        (error as { name?: string }).name ??
        'error';
      throw new Error(`webhook request failed: ${cause}`);
    });
    if (res.ok) return;
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)
      throw new PermanentDeliveryError(`webhook answered ${res.status}`);
    throw new Error(`webhook answered ${res.status}`);
  }
}

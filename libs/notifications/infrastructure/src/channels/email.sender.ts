import nodemailer, { type Transporter } from 'nodemailer';
import { ChannelSender, OutgoingNotification, PermanentDeliveryError } from './channel.port';

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  from: string;
  user?: string;
  password?: string;
  /** The domain part of Message-IDs. */
  messageIdDomain: string;
}

/** RFC 5322 Message-ID derived from the delivery id: a resend after a crash carries the same id. */
export const messageIdFor = (deliveryId: string, domain: string): string => `<${deliveryId}@${domain}>`;

/**
 * Email over SMTP (nodemailer). SMTP has no idempotency: if the process dies after the server accepted the DATA
 * but before we record it, the retry sends a second copy with the same Message-ID (the one recorded with the first
 * attempt; receivers and mail clients may collapse it, many do not). See docs/services/notifications.md.
 */
export class SmtpEmailSender implements ChannelSender {
  readonly channel = 'email' as const;
  private readonly transport: Transporter;

  constructor(private readonly settings: SmtpSettings) {
    this.transport = nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      ignoreTLS: !settings.secure && settings.host === '127.0.0.1',
      ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
      connectionTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(message: OutgoingNotification): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.settings.from,
        to: message.address,
        subject: message.subject,
        text: message.body,
        messageId: message.messageId ?? messageIdFor(message.deliveryId, this.settings.messageIdDomain),
        headers: { 'X-Tutoring-Delivery-Id': message.deliveryId, 'Content-Language': message.language },
      });
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      // 5xx is the server's final answer (bad mailbox, policy); everything else (4xx, network) may pass later.
      // The server's text often quotes the address: only the code goes on (it is logged and shown to admins).
      if (code !== undefined && code >= 500) throw new PermanentDeliveryError(`SMTP ${code}`);
      throw new Error(
        code !== undefined ? `SMTP ${code}` : `SMTP connection: ${(error as { code?: string }).code ?? 'error'}`,
      );
    }
  }

  close(): void {
    this.transport.close();
  }
}

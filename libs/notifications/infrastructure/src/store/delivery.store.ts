import type { EntityManager } from 'typeorm';
import type { Channel, Decisions, Language, NotificationPayload, RuleId } from '@tutoring/notifications/domain';
import { deliveryId, notificationId } from './ids';

export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'dead', 'suppressed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DueNotification {
  notificationId: string;
  rule: RuleId;
  recipientId: string;
  channel: Channel;
  language: Language;
  payload: NotificationPayload;
}

export interface Delivery {
  deliveryId: string;
  districtId: string;
  recipientId: string;
  channel: Channel;
  address: string;
  language: Language;
  subject: string;
  body: string;
  notificationIds: string[];
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  /** Email: the Message-ID fixed at the first attempt (every resend carries it); null for other channels. */
  messageId: string | null;
}

/** A delivery taken for sending; `interruptedAttempts` earlier attempts died mid-send (this is then a resend). */
export interface ClaimedDelivery extends Delivery {
  interruptedAttempts: number;
}

interface DeliveryRow {
  delivery_id: string;
  district_id: string;
  recipient_id: string;
  channel: Channel;
  address: string;
  language: Language;
  subject: string;
  body: string;
  notification_ids: string[];
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
  message_id: string | null;
}

const toDelivery = (r: DeliveryRow): Delivery => ({
  deliveryId: r.delivery_id,
  districtId: r.district_id,
  recipientId: r.recipient_id,
  channel: r.channel,
  address: r.address,
  language: r.language,
  subject: r.subject,
  body: r.body,
  notificationIds: r.notification_ids,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at.toISOString(),
  lastError: r.last_error,
  createdAt: r.created_at.toISOString(),
  sentAt: r.sent_at ? r.sent_at.toISOString() : null,
  messageId: r.message_id,
});

/**
 * The decision log (notifications, one row per rule + source + recipient + channel, unique) and the delivery queue.
 * Always called inside the district's tenant transaction, together with whatever caused the write.
 */
export class DeliveryStore {
  constructor(private readonly schema: string) {}

  /**
   * Inserts decided and skipped notifications; a decision already taken (same id) is left alone. A new one joins
   * the recipient's open digest (it goes out with what is already waiting, if that is earlier). Returns new ids.
   */
  async saveDecisions(m: EntityManager, districtId: string, d: Decisions): Promise<string[]> {
    const inserted: string[] = [];
    for (const n of d.decisions) {
      const id = notificationId(n.rule, n.sourceKey, n.recipientId, n.channel);
      const rows = (await m.query(
        `INSERT INTO ${this.schema}.notifications (notification_id, district_id, rule, source_key, recipient_id, channel, language, payload, status, not_before)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, 'pending',
           -- joins the recipient's open digest: whatever is already waiting for this recipient and channel
           LEAST($9::timestamptz, (SELECT min(p.not_before) FROM ${this.schema}.notifications p
                                    WHERE p.status = 'pending' AND p.recipient_id = $5 AND p.channel = $6)))
         ON CONFLICT DO NOTHING RETURNING notification_id`,
        [
          id,
          districtId,
          n.rule,
          n.sourceKey,
          n.recipientId,
          n.channel,
          n.language,
          JSON.stringify(n.payload),
          n.notBefore,
        ],
      )) as unknown[];
      if (rows.length) inserted.push(id);
    }
    // Skips are kept too (status suppressed + reason): the audit trail of honoured opt-outs and switched-off rules.
    for (const s of d.skipped) {
      await m.query(
        `INSERT INTO ${this.schema}.notifications (notification_id, district_id, rule, source_key, recipient_id, channel, language, payload, status, reason, not_before)
         VALUES ($1, $2, $3, $4, $5, $6, 'en', '{}'::jsonb, 'suppressed', $7, now()) ON CONFLICT DO NOTHING`,
        [
          notificationId(s.rule, s.sourceKey, s.recipientId, s.channel),
          districtId,
          s.rule,
          s.sourceKey,
          s.recipientId,
          s.channel,
          s.reason,
        ],
      );
    }
    return inserted;
  }

  /** Source keys of `rule` ending in `suffix` (e.g. `:2026-W47`) already decided (any status): a sweep skips them. */
  async decidedSourceKeys(m: EntityManager, rule: RuleId, suffix: string): Promise<Set<string>> {
    const rows = (await m.query(
      `SELECT DISTINCT source_key FROM ${this.schema}.notifications WHERE rule = $1 AND right(source_key, length($2)) = $2`,
      [rule, suffix],
    )) as { source_key: string }[];
    return new Set(rows.map((r) => r.source_key));
  }

  /** Pending notifications whose time has come, locked so that two batchers never take the same one. */
  async dueNotifications(m: EntityManager, now: Date, limit: number): Promise<DueNotification[]> {
    const rows = (await m.query(
      `SELECT notification_id, rule, recipient_id, channel, language, payload FROM ${this.schema}.notifications
        WHERE status = 'pending' AND not_before <= $1 ORDER BY recipient_id, channel, created_at, notification_id
        LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now.toISOString(), limit],
    )) as {
      notification_id: string;
      rule: RuleId;
      recipient_id: string;
      channel: Channel;
      language: Language;
      payload: NotificationPayload;
    }[];
    return rows.map((r) => ({
      notificationId: r.notification_id,
      rule: r.rule,
      recipientId: r.recipient_id,
      channel: r.channel,
      language: r.language,
      payload: r.payload,
    }));
  }

  /** One message for a group of notifications; they are marked batched in the same transaction. */
  async createDelivery(
    m: EntityManager,
    districtId: string,
    d: {
      recipientId: string;
      channel: Channel;
      address: string;
      language: Language;
      subject: string;
      body: string;
      notificationIds: string[];
      status: 'pending' | 'suppressed';
      error?: string;
    },
    now: Date,
  ): Promise<string> {
    const id = deliveryId(d.notificationIds);
    await m.query(
      `INSERT INTO ${this.schema}.deliveries (delivery_id, district_id, recipient_id, channel, address, language, subject, body, notification_ids, status, next_attempt_at, last_error, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11) ON CONFLICT (delivery_id) DO NOTHING`,
      [
        id,
        districtId,
        d.recipientId,
        d.channel,
        d.address,
        d.language,
        d.subject,
        d.body,
        d.notificationIds,
        d.status,
        now.toISOString(),
        d.error ?? null,
      ],
    );
    await m.query(
      `UPDATE ${this.schema}.notifications SET status = 'batched', delivery_id = $1 WHERE notification_id = ANY($2::uuid[])`,
      [id, d.notificationIds],
    );
    return id;
  }

  /**
   * Claims deliveries to send: pending and due, or 'sending' whose lease ran out (the sender crashed mid-send).
   * In the same transaction, which commits before anything is sent: an email's Message-ID is fixed (first attempt
   * only: `<deliveryId@messageIdDomain>`), the attempt is recorded, and earlier attempts still open are closed as
   * interrupted (their process died mid-send; the server may have accepted the message: this is a resend).
   */
  async claim(
    m: EntityManager,
    now: Date,
    leaseMs: number,
    limit: number,
    messageIdDomain = 'notifications.tutoring.invalid',
  ): Promise<ClaimedDelivery[]> {
    const rows = (await m.query(
      `UPDATE ${this.schema}.deliveries SET status = 'sending', attempts = attempts + 1, lease_until = $2,
              message_id = COALESCE(message_id, CASE WHEN channel = 'email' THEN '<' || delivery_id || '@' || $4 || '>' END)
        WHERE delivery_id IN (
          SELECT delivery_id FROM ${this.schema}.deliveries
           WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND lease_until <= $1)
           ORDER BY next_attempt_at, delivery_id LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [now.toISOString(), new Date(now.getTime() + leaseMs).toISOString(), limit, messageIdDomain],
    )) as [DeliveryRow[], number];
    const claimed = rows[0];
    if (claimed.length === 0) return [];
    const ids = claimed.map((r) => r.delivery_id);
    const interrupted = (await m.query(
      `UPDATE ${this.schema}.delivery_attempts SET outcome = 'interrupted'
        WHERE delivery_id = ANY($1::uuid[]) AND outcome IS NULL RETURNING delivery_id`,
      [ids],
    )) as [{ delivery_id: string }[], number];
    await m.query(
      `INSERT INTO ${this.schema}.delivery_attempts (district_id, delivery_id, attempt, message_id, started_at)
       SELECT d.district_id, d.delivery_id,
              1 + COALESCE((SELECT max(a.attempt) FROM ${this.schema}.delivery_attempts a WHERE a.delivery_id = d.delivery_id), 0),
              d.message_id, $2
         FROM ${this.schema}.deliveries d WHERE d.delivery_id = ANY($1::uuid[])`,
      [ids, now.toISOString()],
    );
    return claimed.map((r) => ({
      ...toDelivery(r),
      interruptedAttempts: interrupted[0].filter((i) => i.delivery_id === r.delivery_id).length,
    }));
  }

  /**
   * "Sent", in one statement with closing the attempt: after the server's 250 this (and the outbox insert of the
   * same transaction) is all that stands between us and a resend.
   */
  async markSent(m: EntityManager, id: string, at: Date): Promise<boolean> {
    const rows = (await m.query(
      `WITH sent AS (
         UPDATE ${this.schema}.deliveries SET status = 'sent', sent_at = $2, lease_until = NULL, last_error = NULL
          WHERE delivery_id = $1 AND status = 'sending' RETURNING delivery_id),
       closed AS (
         UPDATE ${this.schema}.delivery_attempts a SET outcome = 'accepted', finished_at = $2
           FROM sent WHERE a.delivery_id = sent.delivery_id AND a.outcome IS NULL RETURNING 1)
       SELECT (SELECT count(*) FROM sent)::int AS sent, (SELECT count(*) FROM closed)::int AS closed`,
      [id, at.toISOString()],
    )) as { sent: number }[];
    return (rows[0]?.sent ?? 0) > 0;
  }

  async markFailed(m: EntityManager, id: string, error: string, next: Date | null, at = new Date()): Promise<void> {
    await m.query(
      `UPDATE ${this.schema}.delivery_attempts SET outcome = 'failed', finished_at = $2 WHERE delivery_id = $1 AND outcome IS NULL`,
      [id, at.toISOString()],
    );
    await m.query(
      `UPDATE ${this.schema}.deliveries SET status = $2, next_attempt_at = COALESCE($3, next_attempt_at), lease_until = NULL, last_error = $4 WHERE delivery_id = $1`,
      [id, next ? 'pending' : 'dead', next ? next.toISOString() : null, error.slice(0, 1000)],
    );
  }

  /** Gives a claimed but unsent delivery back (shutdown): pending again, the claim's attempt not counted. */
  async release(m: EntityManager, id: string): Promise<void> {
    await m.query(`DELETE FROM ${this.schema}.delivery_attempts WHERE delivery_id = $1 AND outcome IS NULL`, [id]);
    await m.query(
      `UPDATE ${this.schema}.deliveries SET status = 'pending', attempts = greatest(attempts - 1, 0), lease_until = NULL WHERE delivery_id = $1 AND status = 'sending'`,
      [id],
    );
  }

  /** A delivery's send attempts, oldest first (outcome null: open, or its process died and nobody re-claimed it yet). */
  async attempts(
    m: EntityManager,
    id: string,
  ): Promise<{ attempt: number; messageId: string | null; outcome: string | null }[]> {
    const rows = (await m.query(
      `SELECT attempt, message_id, outcome FROM ${this.schema}.delivery_attempts WHERE delivery_id = $1 ORDER BY attempt`,
      [id],
    )) as { attempt: number; message_id: string | null; outcome: string | null }[];
    return rows.map((r) => ({ attempt: r.attempt, messageId: r.message_id, outcome: r.outcome }));
  }

  async markSuppressed(m: EntityManager, id: string, reason: string): Promise<void> {
    await m.query(
      `UPDATE ${this.schema}.deliveries SET status = 'suppressed', lease_until = NULL, last_error = $2 WHERE delivery_id = $1`,
      [id, reason],
    );
  }

  async requeue(m: EntityManager, id: string, now: Date): Promise<boolean> {
    const rows = (await m.query(
      `UPDATE ${this.schema}.deliveries SET status = 'pending', attempts = 0, next_attempt_at = $2, last_error = NULL WHERE delivery_id = $1 AND status = 'dead' RETURNING 1`,
      [id, now.toISOString()],
    )) as [unknown[], number];
    return rows[1] > 0;
  }

  async notificationsOf(
    m: EntityManager,
    ids: readonly string[],
  ): Promise<{ notificationId: string; rule: string; recipientId: string; channel: Channel }[]> {
    const rows = (await m.query(
      `SELECT notification_id, rule, recipient_id, channel FROM ${this.schema}.notifications WHERE notification_id = ANY($1::uuid[])`,
      [ids],
    )) as {
      notification_id: string;
      rule: string;
      recipient_id: string;
      channel: Channel;
    }[];
    return rows.map((r) => ({
      notificationId: r.notification_id,
      rule: r.rule,
      recipientId: r.recipient_id,
      channel: r.channel,
    }));
  }

  /** Admin view of the queue, newest first, keyset-paginated on (created_at, delivery_id). */
  async list(
    m: EntityManager,
    filter: { status?: DeliveryStatus; recipientIds?: readonly string[]; channel?: Channel },
    limit: number,
    offset: number,
  ): Promise<Delivery[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (filter.channel) where.push(`channel = $${params.push(filter.channel)}`);
    if (filter.recipientIds) where.push(`recipient_id = ANY($${params.push(filter.recipientIds)}::text[])`);
    const rows = (await m.query(
      `SELECT * FROM ${this.schema}.deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, delivery_id LIMIT $${params.push(limit)} OFFSET $${params.push(offset)}`,
      params,
    )) as DeliveryRow[];
    return rows.map(toDelivery);
  }

  /** Admin stats; `attempts` by outcome (`open`: in flight, or its process died and no claim has taken it again). */
  async counts(m: EntityManager): Promise<{
    notifications: Record<string, number>;
    deliveries: Record<string, number>;
    attempts: Record<string, number>;
  }> {
    const n = (await m.query(
      `SELECT status, count(*)::int AS c FROM ${this.schema}.notifications GROUP BY status`,
    )) as { status: string; c: number }[];
    const d = (await m.query(`SELECT status, count(*)::int AS c FROM ${this.schema}.deliveries GROUP BY status`)) as {
      status: string;
      c: number;
    }[];
    const a = (await m.query(
      `SELECT COALESCE(outcome, 'open') AS outcome, count(*)::int AS c FROM ${this.schema}.delivery_attempts GROUP BY 1`,
    )) as { outcome: string; c: number }[];
    return {
      notifications: Object.fromEntries(n.map((r) => [r.status, r.c])),
      deliveries: Object.fromEntries(d.map((r) => [r.status, r.c])),
      attempts: Object.fromEntries(a.map((r) => [r.outcome, r.c])),
    };
  }
}

import { bool, int, loadConfigOrExit, oneOf, optional, port, str, type ConfigOf } from '@tutoring/shared/service-kit';

/** Notifications' own variables (on top of the common ones), validated at start-up like every service's. */
export const notificationsConfigSchema = {
  SMTP_HOST: optional(str()),
  SMTP_PORT: port({ default: 587 }),
  SMTP_SECURE: bool({ default: false }),
  SMTP_USER: optional(str()),
  SMTP_PASSWORD: optional(str({ secret: true })),
  SMTP_FROM: str({ default: 'notifications@tutoring.invalid' }),
  NOTIFICATIONS_MESSAGE_ID_DOMAIN: str({ default: 'notifications.tutoring.invalid' }),
  NOTIFICATIONS_WEBHOOK_SECRET: optional(str({ secret: true, minLength: 16 })),
  /** 'logging-local-only' logs instead of sending (local runs); production plugs a provider adapter in. */
  NOTIFICATIONS_SMS_PROVIDER: oneOf(['none', 'logging-local-only'], { default: 'none' }),
  NOTIFICATIONS_SWEEP_INTERVAL_MS: int({ min: 1_000, max: 3_600_000, default: 60_000 }),
  NOTIFICATIONS_DISPATCH_INTERVAL_MS: int({ min: 100, max: 600_000, default: 2_000 }),
  /** false pauses every outgoing delivery (decisions and the queue keep filling), e.g. during an incident. */
  NOTIFICATIONS_DISPATCH_ENABLED: bool({ default: true }),
  NOTIFICATIONS_SEND_LEASE_MS: int({ min: 1_000, max: 3_600_000, default: 120_000 }),
  NOTIFICATIONS_MAX_ATTEMPTS: int({ min: 1, max: 50, default: 8 }),
  NOTIFICATIONS_BACKOFF_BASE_MS: int({ min: 100, max: 3_600_000, default: 5_000 }),
};
export type NotificationsConfig = ConfigOf<typeof notificationsConfigSchema>;

export const notificationsConfigCrossChecks: ReadonlyArray<(c: NotificationsConfig) => string[]> = [
  (c) => (c.SMTP_USER && !c.SMTP_PASSWORD ? ['SMTP_PASSWORD: required when SMTP_USER is set'] : []),
];

export const loadNotificationsConfig = (env: Record<string, string | undefined> = process.env): NotificationsConfig =>
  loadConfigOrExit(notificationsConfigSchema, env, { crossChecks: notificationsConfigCrossChecks });

import { DistrictNotificationSettings, normalizeLanguage, RuleId } from '../settings/district-settings';
import { endOfQuietHours } from '../time/local-time';
import type { Decisions, PayloadByRule, RecipientChannel } from './notification.types';

/** Channels a person reads at night on a phone; machines (webhook) and the inbox are not held back. */
const QUIET_CHANNELS = new Set(['email', 'sms']);

export interface AddressContext {
  settings: DistrictNotificationSettings;
  now: Date;
  districtZone: string;
}

/**
 * Turns one rule outcome into per-recipient decisions: rule on/off, opt-outs, language, quiet hours in the
 * recipient's zone and the rule's digest window. Pure; the caller resolves who holds the role.
 */
export function address<R extends RuleId>(
  rule: R,
  sourceKey: string,
  payload: PayloadByRule[R],
  recipients: readonly RecipientChannel[],
  ctx: AddressContext,
  language?: string | null,
): Decisions<R> {
  const out: Decisions<R> = { decisions: [], skipped: [] };
  const ruleSettings = ctx.settings.rules[rule];
  const seen = new Set<string>();
  for (const r of recipients) {
    const key = `${r.recipientId}/${r.channel}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!ruleSettings.enabled) {
      out.skipped.push({ rule, sourceKey, recipientId: r.recipientId, channel: r.channel, reason: 'rule_disabled' });
      continue;
    }
    if (r.optedOutRules.includes(rule) || r.optedOutRules.includes('*')) {
      out.skipped.push({ rule, sourceKey, recipientId: r.recipientId, channel: r.channel, reason: 'opted_out' });
      continue;
    }
    const digestEnd = new Date(ctx.now.getTime() + ruleSettings.digestMinutes * 60_000);
    const notBefore = QUIET_CHANNELS.has(r.channel)
      ? endOfQuietHours(digestEnd, r.timeZone ?? ctx.districtZone, ctx.settings.quietHours)
      : digestEnd;
    out.decisions.push({
      rule,
      sourceKey,
      recipientId: r.recipientId,
      channel: r.channel,
      language: normalizeLanguage(language ?? r.language),
      payload,
      notBefore: notBefore.toISOString(),
    });
  }
  return out;
}

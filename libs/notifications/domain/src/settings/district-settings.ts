// Per-district configuration of the notification rules (DESIGN.md §2: defaults, configurable per program/district).

export const RULE_IDS = [
  'dosage_below_target',
  'missing_session_report',
  'session_exceptions',
  'family_weekly_summary',
  'teacher_digest',
  'payout_statement_issued',
] as const;
export type RuleId = (typeof RULE_IDS)[number];
export const isRuleId = (value: unknown): value is RuleId =>
  typeof value === 'string' && (RULE_IDS as readonly string[]).includes(value);

export const CHANNELS = ['email', 'sms', 'webhook', 'inbox'] as const;
export type Channel = (typeof CHANNELS)[number];

export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/** 'es-MX' → 'es'; anything we have no template for falls back to English. */
export const normalizeLanguage = (tag: string | null | undefined): Language => {
  const base = (tag ?? '').toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(base ?? '') ? (base as Language) : 'en';
};

export interface RuleSettings {
  enabled: boolean;
  /** Notifications of this rule wait this long so that what arrives meanwhile goes out as one digest. */
  digestMinutes: number;
}

export interface DistrictNotificationSettings {
  /** Local "HH:MM" window (in the recipient's zone) when email and SMS are held back; null = none. */
  quietHours: { from: string; to: string } | null;
  rules: Record<RuleId, RuleSettings>;
  dosage: {
    /** Alert when a student has been below target this many consecutive instructional weeks. */
    consecutiveWeeks: number;
    /** false: alert once, when the streak reaches the threshold; true: every further week below too. */
    repeatWeekly: boolean;
  };
  missingSession: {
    /** A planned occurrence with no session this long after it ended is a data-entry gap. */
    graceHours: number;
    /** Occurrences that ended longer ago than this are not nudged about any more. */
    lookbackDays: number;
  };
  weekly: {
    /** Weekly family summaries and teacher digests wait this long after the week ends, for late session reports. */
    delayHours: number;
  };
}

export const DEFAULT_SETTINGS: DistrictNotificationSettings = {
  quietHours: { from: '20:00', to: '07:00' },
  rules: {
    dosage_below_target: { enabled: true, digestMinutes: 60 },
    missing_session_report: { enabled: true, digestMinutes: 60 },
    session_exceptions: { enabled: true, digestMinutes: 60 },
    family_weekly_summary: { enabled: true, digestMinutes: 0 },
    teacher_digest: { enabled: true, digestMinutes: 0 },
    payout_statement_issued: { enabled: true, digestMinutes: 0 },
  },
  dosage: { consecutiveWeeks: 2, repeatWeekly: false },
  missingSession: { graceHours: 24, lookbackDays: 14 },
  weekly: { delayHours: 24 },
};

export type SettingsPatch = {
  quietHours?: { from: string; to: string } | null;
  rules?: Partial<Record<RuleId, Partial<RuleSettings>>>;
  dosage?: Partial<DistrictNotificationSettings['dosage']>;
  missingSession?: Partial<DistrictNotificationSettings['missingSession']>;
  weekly?: Partial<DistrictNotificationSettings['weekly']>;
};

/** Stored settings are a patch over the defaults, so a new rule gets its default without a data migration. */
export const resolveSettings = (patch: SettingsPatch | null | undefined): DistrictNotificationSettings => {
  const p = patch ?? {};
  const rules = { ...DEFAULT_SETTINGS.rules };
  for (const id of RULE_IDS) rules[id] = { ...DEFAULT_SETTINGS.rules[id], ...(p.rules?.[id] ?? {}) };
  return {
    quietHours: p.quietHours === undefined ? DEFAULT_SETTINGS.quietHours : p.quietHours,
    rules,
    dosage: { ...DEFAULT_SETTINGS.dosage, ...(p.dosage ?? {}) },
    missingSession: { ...DEFAULT_SETTINGS.missingSession, ...(p.missingSession ?? {}) },
    weekly: { ...DEFAULT_SETTINGS.weekly, ...(p.weekly ?? {}) },
  };
};

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
export const isLocalTime = (value: unknown): value is string => typeof value === 'string' && HHMM.test(value);

/** Problems with a settings patch, as `path: reason` strings (empty = valid). */
export const settingsProblems = (patch: SettingsPatch): string[] => {
  const problems: string[] = [];
  if (patch.quietHours) {
    if (!isLocalTime(patch.quietHours.from)) problems.push('quietHours.from: must be HH:MM');
    if (!isLocalTime(patch.quietHours.to)) problems.push('quietHours.to: must be HH:MM');
  }
  for (const [id, rule] of Object.entries(patch.rules ?? {})) {
    if (!isRuleId(id)) problems.push(`rules.${id}: unknown rule`);
    const minutes = rule?.digestMinutes;
    if (minutes !== undefined && (!Number.isInteger(minutes) || minutes < 0 || minutes > 7 * 24 * 60))
      problems.push(`rules.${id}.digestMinutes: 0..10080`);
  }
  const weeks = patch.dosage?.consecutiveWeeks;
  if (weeks !== undefined && (!Number.isInteger(weeks) || weeks < 1 || weeks > 52))
    problems.push('dosage.consecutiveWeeks: 1..52');
  const grace = patch.missingSession?.graceHours;
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0 || grace > 24 * 14))
    problems.push('missingSession.graceHours: 0..336');
  const lookback = patch.missingSession?.lookbackDays;
  if (lookback !== undefined && (!Number.isInteger(lookback) || lookback < 1 || lookback > 90))
    problems.push('missingSession.lookbackDays: 1..90');
  const delay = patch.weekly?.delayHours;
  if (delay !== undefined && (!Number.isInteger(delay) || delay < 0 || delay > 72))
    problems.push('weekly.delayHours: 0..72');
  return problems;
};

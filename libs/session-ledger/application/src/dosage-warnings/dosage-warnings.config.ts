import { bool, int, loadConfigOrExit, type ConfigOf } from '@tutoring/shared/service-kit';

/** Configuration of the dosage-warnings worker (README configuration table), validated at start-up. */
export const dosageWarningsConfigSchema = {
  /** Hours after a week's end (Monday 00:00 in the district zone) before the week is judged: late reports count. */
  DOSAGE_WEEK_GRACE_HOURS: int({ min: 0, max: 24 * 14, default: 48 }),
  /** Weeks judged on a district's first visit, oldest first, so the consecutive-weeks streak has its history. */
  DOSAGE_CATCHUP_WEEKS: int({ min: 1, max: 52, default: 2 }),
  /** Pause between two visits of every district. */
  DOSAGE_WARNINGS_INTERVAL_MS: int({ min: 1_000, max: 86_400_000, default: 900_000 }),
  /** Off: no week is judged and nothing is published (the read API is unaffected). */
  DOSAGE_WARNINGS_ENABLED: bool({ default: true }),
};

export type DosageWarningsConfig = ConfigOf<typeof dosageWarningsConfigSchema>;

export const loadDosageWarningsConfig = (env: Record<string, string | undefined> = process.env): DosageWarningsConfig =>
  loadConfigOrExit(dosageWarningsConfigSchema, env);

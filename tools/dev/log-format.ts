/**
 * Turns a service's JSON log line into one readable line for the quick start's terminal. The terminal shows
 * warnings, errors and the few events a person watching wants; everything is in .cache/logs/<service>.log.
 */
const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const SHOWN_INFO = [/^service listening$/, /^applied migrations$/, /^vendor topics ready$/, /^session event rejected$/, /^created topics$/, /shut/i];

export function formatServiceLine(service: string, line: string): string | null {
  const prefix = `[${service}]`.padEnd(24);
  let entry: { level?: number; msg?: string };
  try {
    entry = JSON.parse(line) as typeof entry;
  } catch {
    return `${prefix}${line}`;
  }
  const level = LEVELS[entry.level ?? 30] ?? 'info';
  const msg = entry.msg ?? '';
  if ((level === 'info' || level === 'debug' || level === 'trace') && !SHOWN_INFO.some((re) => re.test(msg))) return null;
  return `${prefix}${level.padEnd(6)}${msg}`;
}

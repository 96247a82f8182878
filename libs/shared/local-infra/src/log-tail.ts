import { existsSync, readFileSync } from 'node:fs';

/** Last `lines` lines of a log file (empty when it does not exist): what a start-up error should show. */
export function tailFile(file: string, lines = 40): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8');
  return text.split('\n').slice(-lines - 1).join('\n').trimEnd();
}

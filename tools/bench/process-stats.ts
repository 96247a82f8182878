// What the benches read about a service process (Linux /proc) and how the Helm chart starts it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';

const ROOT = join(__dirname, '..', '..');

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); 0 when unreadable. */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/** A memory figure of a process from /proc/<pid>/status, in MB: VmHWM (peak resident set since it started) or VmRSS. */
export function memoryMb(pid: number | undefined, field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number {
  if (!pid) return 0;
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The Node options the Helm chart gives a service (its heap limit): the benches run the services as deployed. */
export function chartNodeOptions(service: string): string {
  type Values = { config: { nodeOptions?: string }; services: Record<string, { nodeOptions?: string }> };
  const values = YAML.parse(readFileSync(join(ROOT, 'infra', 'helm', 'tutoring', 'values.yaml'), 'utf8')) as Values;
  return values.services[service]?.nodeOptions ?? values.config.nodeOptions ?? '';
}

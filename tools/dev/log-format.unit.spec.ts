import { formatServiceLine } from './log-format';

describe('quick start log formatting', () => {
  it('shows warnings and the events a person watches for, hides routine info', () => {
    expect(formatServiceLine('enrollment', JSON.stringify({ level: 40, msg: 'Kafka not reachable yet' }))).toBe('[enrollment]            warn  Kafka not reachable yet');
    expect(formatServiceLine('enrollment', JSON.stringify({ level: 30, msg: 'service listening' }))).toContain('service listening');
    expect(formatServiceLine('enrollment', JSON.stringify({ level: 30, msg: 'InstanceLoader dependencies initialized' }))).toBeNull();
  });
  it('passes through lines that are not JSON (a crash trace, say)', () => {
    expect(formatServiceLine('x', 'TypeError: boom')).toBe('[x]                     TypeError: boom');
  });
});

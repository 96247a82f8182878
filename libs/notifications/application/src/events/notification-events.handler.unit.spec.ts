import { modeOf } from './notification-events.handler';

describe('which messages may notify', () => {
  const liveStart = new Map([['tutoring.ledger.dosage.v1:0', 10]]);
  const at = (offset: number, partition = 0) => ({
    topic: 'tutoring.ledger.dosage.v1',
    partition,
    offset: String(offset),
  });

  it('given the offsets recorded at first start, then older messages are history (silent) and later ones are news', () => {
    expect(modeOf({ mode: 'live' }, liveStart, at(9))).toBe('replay');
    expect(modeOf({ mode: 'live' }, liveStart, at(10))).toBe('live');
    expect(modeOf({ mode: 'live' }, liveStart, at(0, 1))).toBe('live'); // a partition added later: all news
  });

  it('given a rebuild, then nothing is live, whatever the offset', () => {
    expect(modeOf({ mode: 'replay' }, liveStart, at(1_000))).toBe('replay');
    expect(modeOf({ mode: 'replay' }, new Map(), at(0))).toBe('replay');
  });
});

import { advanceCheckpoint, READER_START, ReaderCheckpoint } from './ledger.reader';

const row = (transactionId: string, position: number) => ({ transactionId, position });
const snap = (xmax: string, ...running: string[]) => ({ xmax, running });
const at = (horizon: string, pending: string[] = [], done: string[] = []): ReaderCheckpoint => ({
  horizon,
  pending,
  done,
  partial: null,
  position: 0,
});

describe('reader checkpoint', () => {
  it('moves the horizon to the snapshot xmax and keeps the writers still running below it pending', () => {
    const cp = advanceCheckpoint(READER_START, [row('10', 1), row('12', 3)], snap('13', '11'), 100);
    expect(cp).toEqual({ horizon: '13', pending: ['11'], done: [], partial: null, position: 3 });
    // Transaction 11 committed late (position 2): it is read next time, 10 and 12 are not read again.
    const next = advanceCheckpoint(cp, [row('11', 2)], snap('20'), 100);
    expect(next).toEqual({ horizon: '20', pending: [], done: [], partial: null, position: 2 });
  });

  it('keeps a transaction left open elsewhere pending, read after read, without holding the horizon down', () => {
    let cp = advanceCheckpoint(READER_START, [row('6', 1)], snap('8', '5'), 100);
    expect(cp).toMatchObject({ horizon: '8', pending: ['5'] });
    cp = advanceCheckpoint(cp, [row('9', 2), row('30', 3)], snap('31', '5'), 100);
    expect(cp).toMatchObject({ horizon: '31', pending: ['5'], done: [] });
    cp = advanceCheckpoint(cp, [], snap('40', '5', '35'), 100);
    expect(cp).toMatchObject({ horizon: '40', pending: ['5', '35'], position: 3 });
    // Transaction 5 ends without a ledger entry (another service's, or rolled back): it is no longer pending.
    cp = advanceCheckpoint(cp, [], snap('41', '35'), 100);
    expect(cp).toMatchObject({ horizon: '41', pending: ['35'] });
  });

  it('stops inside a transaction cut by the batch limit and resumes after its last position', () => {
    const cp = advanceCheckpoint(READER_START, [row('10', 1), row('15', 2), row('15', 3)], snap('30', '12', '20'), 3);
    // Below the cut every visible transaction is consumed; 12 is still running, so it is pending.
    expect(cp).toEqual({
      horizon: '15',
      pending: ['12'],
      done: [],
      partial: { transactionId: '15', position: 3 },
      position: 3,
    });
    const next = advanceCheckpoint(cp, [row('15', 4), row('16', 5)], snap('30', '12', '20'), 3);
    expect(next).toEqual({ horizon: '30', pending: ['12', '20'], done: [], partial: null, position: 5 });
  });

  it('reads a pending transaction whole: only entries at or above the horizon count towards the batch size', () => {
    // Cut inside 15 while 12 is still running: 15 is partial at the horizon, 12 pending.
    const cut = advanceCheckpoint(READER_START, [row('10', 1), row('15', 2), row('15', 3)], snap('30', '12'), 3);
    expect(cut).toMatchObject({ horizon: '15', pending: ['12'], partial: { transactionId: '15', position: 3 } });
    // 12 commits four entries (more than a batch): they all come first, and the batch is cut in 15 again, after
    // position 3, so 15's first entries are not read twice.
    const rows = [row('12', 4), row('12', 5), row('12', 6), row('12', 7), row('15', 8), row('15', 9), row('16', 10)];
    const next = advanceCheckpoint(cut, rows, snap('30'), 3);
    expect(next).toEqual({
      horizon: '16',
      pending: [],
      done: [],
      partial: { transactionId: '16', position: 10 },
      position: 10,
    });
    // Pending entries alone, however many, are not a cut batch.
    const whole = advanceCheckpoint(cut, [row('12', 4), row('12', 5), row('12', 6), row('12', 7)], snap('30'), 3);
    expect(whole).toEqual({ horizon: '30', pending: [], done: [], partial: null, position: 7 });
  });

  it('does not read again a transaction a cut batch ended on exactly, when the next batch is cut too', () => {
    // Transaction 5 is left open elsewhere; each batch of 2 ends exactly on a transaction's last entry.
    const first = advanceCheckpoint(READER_START, [row('10', 1), row('10', 2)], snap('20', '5'), 2);
    expect(first).toMatchObject({ horizon: '10', pending: ['5'], partial: { transactionId: '10', position: 2 } });
    // The next read resumes after (10, 2): nothing of 10 is left, so it starts at 11 and is cut inside it.
    const second = advanceCheckpoint(first, [row('11', 3), row('11', 4)], snap('20', '5'), 2);
    expect(second).toMatchObject({
      horizon: '11',
      pending: ['5'],
      done: [],
      partial: { transactionId: '11', position: 4 },
    });
    const end = advanceCheckpoint(second, [row('12', 7)], snap('20', '5'), 2);
    expect(end).toEqual({ horizon: '20', pending: ['5'], done: [], partial: null, position: 7 });
  });

  it('keeps the meaning of a checkpoint written before pending existed (consumed transactions above the horizon)', () => {
    const old = at('5', [], ['10', '14']);
    // Cut inside 12: 14 stays consumed above the new horizon, 10 is below it.
    const cut = advanceCheckpoint(old, [row('7', 1), row('12', 2), row('12', 3)], snap('20'), 3);
    expect(cut).toMatchObject({
      horizon: '12',
      pending: [],
      done: ['14'],
      partial: { transactionId: '12', position: 3 },
    });
    // Not cut: everything below the xmax is consumed.
    expect(advanceCheckpoint(old, [row('7', 1)], snap('20', '16'), 3)).toMatchObject({
      horizon: '20',
      pending: ['16'],
      done: [],
    });
  });

  it('never moves the horizon down, and compares transaction ids as 64-bit numbers, not strings', () => {
    expect(advanceCheckpoint(at('9'), [row('10', 1)], snap('100'), 10).horizon).toBe('100');
    expect(advanceCheckpoint(at('100'), [], snap('99'), 10).horizon).toBe('100');
    expect(advanceCheckpoint(at('18446744073709551000'), [], snap('18446744073709551001'), 10).horizon).toBe(
      '18446744073709551001',
    );
    expect(advanceCheckpoint(at('9'), [], snap('1000', '999', '10'), 10).pending).toEqual(['10', '999']);
  });
});

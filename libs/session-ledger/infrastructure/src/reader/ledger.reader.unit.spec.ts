import { advanceCheckpoint, READER_START } from './ledger.reader';

const row = (transactionId: string, position: number) => ({ transactionId, position });

describe('reader checkpoint', () => {
  it('moves the horizon to the snapshot xmin and remembers consumed transactions above it', () => {
    const cp = advanceCheckpoint(READER_START, [row('10', 1), row('12', 3)], '11', 100);
    expect(cp).toEqual({ horizon: '11', done: ['12'], partial: null, position: 3 });
    // Transaction 11 committed late (position 2): it is read next time, 12 is not read again.
    const next = advanceCheckpoint(cp, [row('11', 2)], '20', 100);
    expect(next).toEqual({ horizon: '20', done: [], partial: null, position: 2 });
  });

  it('never moves the horizon past the snapshot xmin, whatever it has read', () => {
    const cp = advanceCheckpoint(READER_START, [row('50', 9)], '7', 100);
    expect(cp.horizon).toBe('7');
    expect(cp.done).toEqual(['50']);
  });

  it('stops inside a transaction cut by the batch limit and resumes after its last position', () => {
    const cp = advanceCheckpoint(READER_START, [row('10', 1), row('15', 2), row('15', 3)], '30', 3);
    expect(cp).toEqual({ horizon: '15', done: [], partial: { transactionId: '15', position: 3 }, position: 3 });
    const next = advanceCheckpoint(cp, [row('15', 4), row('16', 5)], '30', 3);
    expect(next).toEqual({ horizon: '30', done: [], partial: null, position: 5 });
  });

  it('compares transaction ids as 64-bit numbers, not strings', () => {
    const cp = advanceCheckpoint({ horizon: '9', done: [], partial: null, position: 0 }, [row('10', 1)], '100', 10);
    expect(cp.horizon).toBe('100');
    expect(
      advanceCheckpoint(
        { horizon: '18446744073709551000', done: [], partial: null, position: 0 },
        [],
        '18446744073709551001',
        10,
      ).horizon,
    ).toBe('18446744073709551001');
  });
  it('keeps a transaction a cut batch ended on as consumed when the next batch is cut too (horizon held low)', () => {
    // A long transaction elsewhere holds the snapshot xmin at 5; each batch of 2 ends exactly on a transaction.
    const first = advanceCheckpoint(READER_START, [row('10', 1), row('10', 2)], '5', 2);
    expect(first).toEqual({ horizon: '5', done: [], partial: { transactionId: '10', position: 2 }, position: 2 });
    const second = advanceCheckpoint(first, [row('11', 3), row('11', 4)], '5', 2);
    expect(second).toEqual({ horizon: '5', done: ['10'], partial: { transactionId: '11', position: 4 }, position: 4 });
    // Cut inside the same transaction again: still partial, not done.
    const again = advanceCheckpoint(second, [row('11', 5), row('11', 6)], '5', 2);
    expect(again).toEqual({ horizon: '5', done: ['10'], partial: { transactionId: '11', position: 6 }, position: 6 });
    // Not cut: the partial transaction is complete and joins the consumed set.
    const done = advanceCheckpoint(again, [row('12', 7)], '5', 2);
    expect(done).toEqual({ horizon: '5', done: ['10', '11', '12'], partial: null, position: 7 });
  });
});

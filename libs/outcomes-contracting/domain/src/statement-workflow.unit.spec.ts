import {
  decideWorkflow,
  evolveWorkflow,
  resolveDispute,
  WorkflowRuleViolation,
  type DisputeVersion,
  type StatementWorkflowState,
} from './statement-workflow';

const issued: StatementWorkflowState = {
  statementId: 's-1',
  vendorId: 'v-1',
  status: 'issued',
  issuedBy: 'fin-a',
  approvedBy: null,
  approvedAt: null,
  lineCount: 3,
};
const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return (e as WorkflowRuleViolation).code;
  }
  return 'none';
};

describe('statement workflow', () => {
  it('given issued by A, when B approves, then approved; never again', () => {
    const events = decideWorkflow(
      { type: 'ApproveStatement', data: { by: 'fin-b', now: '2026-10-02T10:00:00Z' } },
      issued,
    );
    expect(events).toEqual([
      {
        type: 'StatementApproved',
        data: { statementId: 's-1', approvedBy: 'fin-b', approvedAt: '2026-10-02T10:00:00Z' },
      },
    ]);
    const approved = events.reduce<StatementWorkflowState | null>(evolveWorkflow, issued);
    expect(approved?.status).toBe('approved');
    expect(code(() => decideWorkflow({ type: 'ApproveStatement', data: { by: 'fin-c', now: 'x' } }, approved))).toBe(
      'already_approved',
    );
  });

  it('the issuer cannot approve their own statement', () => {
    expect(() => decideWorkflow({ type: 'ApproveStatement', data: { by: 'fin-a', now: 'x' } }, issued)).toThrow(
      /four-eyes/,
    );
    expect(code(() => decideWorkflow({ type: 'ApproveStatement', data: { by: 'fin-a', now: 'x' } }, issued))).toBe(
      'same_user',
    );
    expect(code(() => decideWorkflow({ type: 'ApproveStatement', data: { by: 'fin-a', now: 'x' } }, null))).toBe(
      'not_found',
    );
  });

  it('a vendor disputes a line of its own statement only', () => {
    const dispute = (vendorId: string, lineIndex: number) => () =>
      decideWorkflow(
        {
          type: 'DisputeLine',
          data: { disputeId: 'd-1', lineIndex, vendorId, by: 'vendor-user', reason: 'missing session', now: 'x' },
        },
        issued,
      );
    expect(dispute('v-1', 2)()).toEqual([
      {
        type: 'LineDisputed',
        data: {
          statementId: 's-1',
          disputeId: 'd-1',
          lineIndex: 2,
          by: 'vendor-user',
          reason: 'missing session',
          at: 'x',
        },
      },
    ]);
    expect(code(dispute('v-2', 0))).toBe('not_your_statement');
    expect(code(dispute('v-1', 3))).toBe('line');
  });

  it('a resolution is a new version of the dispute; a resolved one is not resolved again', () => {
    const open: DisputeVersion = {
      disputeId: 'd-1',
      version: 1,
      status: 'open',
      amountCents: 0,
      note: 'missing session',
      by: 'v',
      at: 'x',
    };
    const upheld = resolveDispute(open, { decision: 'upheld', amountCents: 2500, note: 'ok', by: 'fin-b', now: 'y' });
    expect(upheld).toEqual({
      disputeId: 'd-1',
      version: 2,
      status: 'upheld',
      amountCents: 2500,
      note: 'ok',
      by: 'fin-b',
      at: 'y',
    });
    expect(open.status).toBe('open');
    expect(
      code(() => resolveDispute(upheld, { decision: 'rejected', amountCents: 0, note: '', by: 'f', now: 'z' })),
    ).toBe('not_open');
    expect(
      code(() => resolveDispute(open, { decision: 'rejected', amountCents: 5, note: '', by: 'f', now: 'z' })),
    ).toBe('amount');
  });
});

// Workflow of an issued statement: issued → approved by a DIFFERENT finance user; never changed afterwards.
// Disputes are versions: opening is version 1, a resolution is version 2; nothing is ever edited.
import type { Timestamp } from '@tutoring/shared/contracts';

export class WorkflowRuleViolation extends Error {
  constructor(
    readonly code:
      'same_user' | 'already_approved' | 'not_found' | 'line' | 'not_open' | 'not_your_statement' | 'amount',
    message: string,
  ) {
    super(message);
  }
}

export interface StatementWorkflowState {
  statementId: string;
  vendorId: string;
  status: 'issued' | 'approved';
  issuedBy: string;
  approvedBy: string | null;
  approvedAt: Timestamp | null;
  lineCount: number;
}

export type WorkflowCommand =
  | { type: 'ApproveStatement'; data: { by: string; now: Timestamp } }
  | {
      type: 'DisputeLine';
      data: { disputeId: string; lineIndex: number; vendorId: string; by: string; reason: string; now: Timestamp };
    };

export type WorkflowEvent =
  | { type: 'StatementApproved'; data: { statementId: string; approvedBy: string; approvedAt: Timestamp } }
  | {
      type: 'LineDisputed';
      data: { statementId: string; disputeId: string; lineIndex: number; by: string; reason: string; at: Timestamp };
    };

export const decideWorkflow = (command: WorkflowCommand, state: StatementWorkflowState | null): WorkflowEvent[] => {
  if (!state) throw new WorkflowRuleViolation('not_found', 'no such statement');
  switch (command.type) {
    case 'ApproveStatement': {
      if (state.status === 'approved')
        throw new WorkflowRuleViolation(
          'already_approved',
          `approved by ${state.approvedBy} at ${state.approvedAt}; an approved statement never changes`,
        );
      if (command.data.by === state.issuedBy)
        throw new WorkflowRuleViolation(
          'same_user',
          'four-eyes rule: the finance user who issued a statement cannot approve it; another finance user must',
        );
      return [
        {
          type: 'StatementApproved',
          data: { statementId: state.statementId, approvedBy: command.data.by, approvedAt: command.data.now },
        },
      ];
    }
    case 'DisputeLine': {
      const d = command.data;
      if (d.vendorId !== state.vendorId)
        throw new WorkflowRuleViolation('not_your_statement', 'a vendor disputes only its own statements');
      if (!Number.isInteger(d.lineIndex) || d.lineIndex < 0 || d.lineIndex >= state.lineCount)
        throw new WorkflowRuleViolation('line', `lineIndex must be 0..${state.lineCount - 1}`);
      return [
        {
          type: 'LineDisputed',
          data: {
            statementId: state.statementId,
            disputeId: d.disputeId,
            lineIndex: d.lineIndex,
            by: d.by,
            reason: d.reason,
            at: d.now,
          },
        },
      ];
    }
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown command ${String(_exhaustive)}`);
    }
  }
};

export const evolveWorkflow = (
  state: StatementWorkflowState | null,
  event: WorkflowEvent,
): StatementWorkflowState | null => {
  if (!state) return state;
  switch (event.type) {
    case 'StatementApproved':
      return { ...state, status: 'approved', approvedBy: event.data.approvedBy, approvedAt: event.data.approvedAt };
    case 'LineDisputed':
      return state;
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};

export interface DisputeVersion {
  disputeId: string;
  version: number;
  status: 'open' | 'upheld' | 'rejected';
  /** Upheld: paid as an adjustment line in the next statement (positive pays the vendor, negative claws back). */
  amountCents: number;
  note: string;
  by: string;
  at: Timestamp;
}

/** A resolution is a new version of the dispute, never an edit of the open one. */
export const resolveDispute = (
  latest: DisputeVersion | null,
  resolution: { decision: 'upheld' | 'rejected'; amountCents: number; note: string; by: string; now: Timestamp },
): DisputeVersion => {
  if (!latest) throw new WorkflowRuleViolation('not_found', 'no such dispute');
  if (latest.status !== 'open') throw new WorkflowRuleViolation('not_open', `the dispute is already ${latest.status}`);
  if (
    !Number.isSafeInteger(resolution.amountCents) ||
    (resolution.decision === 'rejected' && resolution.amountCents !== 0)
  )
    throw new WorkflowRuleViolation('amount', 'amountCents must be whole cents, and 0 when the dispute is rejected');
  return {
    disputeId: latest.disputeId,
    version: latest.version + 1,
    status: resolution.decision,
    amountCents: resolution.amountCents,
    note: resolution.note,
    by: resolution.by,
    at: resolution.now,
  };
};

/**
 * The life of one vendor session in the ledger: delivered once, corrected any number of times, voided once.
 * Every accepted command becomes a new ledger entry; nothing is ever edited. Pure: the caller loads the stream,
 * asks `decide`, and appends the events with optimistic concurrency on the stream version.
 */
export type SessionEventType = 'delivered' | 'corrected' | 'voided';

export interface RecordSessionEvent {
  type: 'RecordSessionEvent';
  data: { kind: SessionEventType; vendorId: string; sessionId: string; eventId: string; payload: unknown };
}

export interface SessionEventRecorded {
  type: 'SessionEventRecorded';
  data: { kind: SessionEventType; vendorId: string; sessionId: string; eventId: string; payload: unknown };
}

export interface SessionStreamState {
  version: number;
  status: 'none' | 'active' | 'voided';
}

export const emptySessionStream: SessionStreamState = { version: 0, status: 'none' };

export type SessionRejectionCode = 'duplicate_session' | 'unknown_session' | 'session_voided';

export class SessionStreamRejection extends Error {
  constructor(
    readonly code: SessionRejectionCode,
    message: string,
  ) {
    super(message);
  }
}

export const streamIdOf = (vendorId: string, sessionId: string): string => `${vendorId}/${sessionId}`;

export const decide = (command: RecordSessionEvent, state: SessionStreamState): SessionEventRecorded[] => {
  const { kind, sessionId } = command.data;
  if (state.status === 'voided') {
    throw new SessionStreamRejection('session_voided', `session ${sessionId} was voided; send a new sessionId`);
  }
  switch (kind) {
    case 'delivered':
      if (state.status === 'active') {
        throw new SessionStreamRejection(
          'duplicate_session',
          `session ${sessionId} was already delivered; send org.tutoring.session.corrected.v1 to change it`,
        );
      }
      break;
    case 'corrected':
    case 'voided':
      if (state.status === 'none') {
        throw new SessionStreamRejection('unknown_session', `session ${sessionId} has not been delivered`);
      }
      break;
    default: {
      const _exhaustive: never = kind;
      throw new Error(`unknown session event kind ${String(_exhaustive)}`);
    }
  }
  return [{ type: 'SessionEventRecorded', data: command.data }];
};

export const evolve = (state: SessionStreamState, event: SessionEventRecorded): SessionStreamState => ({
  version: state.version + 1,
  status: event.data.kind === 'voided' ? 'voided' : 'active',
});

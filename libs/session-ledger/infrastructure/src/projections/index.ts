export * from './ledger.projector';
export * from './session-projection.store';
export * from './dosage.queries';
export * from './ledger-followers';

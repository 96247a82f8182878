export * from './ledger.projector';
export * from './session-projection.store';

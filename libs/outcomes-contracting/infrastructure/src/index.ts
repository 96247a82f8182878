export * from './migrations/1700000000701-outcomes.migration';
export * from './store/facts.store';
export * from './store/contracts.store';
export * from './store/statements.store';

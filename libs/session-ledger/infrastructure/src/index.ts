export * from './migrations/1700000000101-ledger.migration';
export * from './ledger/ledger.store';
export * from './migrations/1700000000201-reference-and-tenancy.migration';
export * from './reference/reference.store';
export * from './migrations/1700000000301-projections.migration';
export * from './reader';
export * from './projections';
export * from './ledger/billable-facts.store';

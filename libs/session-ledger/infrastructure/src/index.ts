export * from './migrations/1700000000101-ledger.migration';
export * from './ledger/ledger.store';

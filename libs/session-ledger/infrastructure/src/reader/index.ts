export * from './ledger.reader';

export * from './outcomes-contracting.module';
export * from './contracts/contracts.service';
export * from './statements/statements.service';
export * from './statements/statement-csv';
export * from './facts/facts.consumer';
export * from './facts/ledger-event.check';

export * from './exception-codes';
export * from './local-time';
export * from './billable-line.rules';

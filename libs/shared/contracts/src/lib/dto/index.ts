export * from './decorators';
export * from './feedback.dto';
export * from './payout.dto';
export * from './session.dto';
export * from './validate-with-decorators';
export * from './vendor.dto';
export * from './prototype-keys';

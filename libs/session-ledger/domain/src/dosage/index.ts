export * from './week-closing';
export * from './dosage-judgement';
export * from './occurrence-attribution';
export * from './occurrence-cancellations';

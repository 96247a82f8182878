export * from './week-closing';
export * from './dosage-judgement';
export * from './occurrence-attribution';

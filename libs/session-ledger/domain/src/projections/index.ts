export * from './iso-week';
export * from './projected-entry';
export * from './session.projection';
export * from './dosage.rules';

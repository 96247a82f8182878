// Public API of @tutoring/shared/contracts: every event that crosses a service boundary, versioned.
export * from './lib/limits';
export * from './lib/formats';
export * from './lib/event-types';
export * from './lib/sources';
export * from './lib/topics';
export * from './lib/event-data.types';
export * from './lib/schemas';
export * from './lib/validation/field-error';
export * from './lib/validation/cross-field.rules';
export * from './lib/validation/validate-event';
export * from './lib/validation/vendor-agreement';
export * from './lib/dto';
export * from './lib/asyncapi/asyncapi.document';
export * as contractsTesting from './testing';
export * from './lib/internal/internal-events';
export * from './lib/internal/schemas';
export * from './lib/internal/validate-internal-event';

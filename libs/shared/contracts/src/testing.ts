// Test-only entry point: builders of valid event data. Not for production code.
// (Also re-exported from index.ts as `contractsTesting` until a `@tutoring/shared/contracts/testing` alias exists.)
export * from './testing/ids';
export * from './testing/event.builders';

// Integration and end-to-end tests start real servers and processes: a per-test default of minutes, not seconds.
// (A project-level `testTimeout` is not honoured per project by Jest, so the tiers set it here.)
jest.setTimeout(240_000);

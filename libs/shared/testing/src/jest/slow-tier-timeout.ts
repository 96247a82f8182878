// Integration and end-to-end tests start real servers and processes: a per-test default of minutes, not seconds.
// (A project-level `testTimeout` is not honoured per project by Jest, so the tiers set it here.)
// Workers' output also goes to tmp/test-logs/, where the run's canary check reads it.
import './tee-output';

jest.setTimeout(240_000);

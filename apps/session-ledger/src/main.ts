import { telemetry } from './telemetry';
import { SessionLedgerModule, sessionLedgerVariables } from '@tutoring/session-ledger/application';
import { SESSION_LEDGER_MIGRATIONS } from '@tutoring/session-ledger/infrastructure';
import { runService } from '@tutoring/shared/runtime';

void runService({
  name: 'session-ledger',
  module: SessionLedgerModule,
  migrations: SESSION_LEDGER_MIGRATIONS,
  telemetry,
  config: sessionLedgerVariables,
});

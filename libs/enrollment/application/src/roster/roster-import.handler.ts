import { randomUUID } from 'node:crypto';
import type { RosterFileInput } from '@tutoring/enrollment/domain';
import type { PostgresRosterStore, RosterImportReport } from '@tutoring/enrollment/infrastructure';

export interface RosterImportRequest {
  districtId: string;
  files: RosterFileInput[];
  applyValidRows: boolean;
  dryRun: boolean;
}

/** One OneRoster import: the same path for the HTTP upload and the CLI. */
export class RosterImportHandler {
  constructor(
    private readonly store: PostgresRosterStore | null,
    private readonly clock: () => Date = () => new Date(),
    private readonly newId: () => string = randomUUID,
  ) {}

  get available(): boolean {
    return this.store !== null;
  }

  handle(request: RosterImportRequest): Promise<RosterImportReport> {
    if (!this.store) throw new Error('roster import needs ENROLLMENT_MASTER_KEY');
    return this.store.import(request.files, {
      districtId: request.districtId,
      applyValidRows: request.applyValidRows,
      dryRun: request.dryRun,
      now: this.clock(),
      newId: this.newId,
    });
  }
}

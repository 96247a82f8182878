import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { decideContract, evolveContract, type Contract, type RateCard } from '@tutoring/outcomes-contracting/domain';
import { ContractsStore, StatementsStore, type ContractPage } from '@tutoring/outcomes-contracting/infrastructure';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { MoneyAudit } from '../audit/money-audit';

export class ContractNotFound extends Error {}

/** Contracts CRUD by versions: create (version 1), add a version, read. No version is ever edited or deleted. */
export class ContractsService {
  private readonly contracts: ContractsStore;
  private readonly statements: StatementsStore;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    private readonly clock: () => Date = () => new Date(),
    private readonly newId: () => string = randomUUID,
  ) {
    this.contracts = new ContractsStore(schema);
    this.statements = new StatementsStore(schema);
  }

  create(input: {
    districtId: string;
    vendorId: string;
    name: string;
    startDate: string;
    endDate: string;
    rateCard: RateCard;
    by: string;
    /** The caller's roles, for the audit log. */
    roles?: readonly string[];
  }): Promise<Contract> {
    const now = this.clock().toISOString();
    const contractId = this.newId();
    return inTenantTransaction(this.dataSource, input.districtId, async (m) => {
      const { by, roles, ...rest } = input;
      const events = decideContract({ type: 'CreateContract', data: { ...rest, contractId, by, now } }, null);
      await this.contracts.append(m, events, by, now);
      const contract = events.reduce<Contract | null>(evolveContract, null) as Contract;
      await MoneyAudit.contractCreated(m, { sub: by, roles }, contract);
      return contract;
    });
  }

  revise(
    districtId: string,
    contractId: string,
    input: { effectiveFrom: string; rateCard: RateCard; by: string; roles?: readonly string[] },
  ): Promise<Contract> {
    const now = this.clock().toISOString();
    return inTenantTransaction(this.dataSource, districtId, async (m) => {
      const state = await this.contracts.load(m, contractId, true);
      if (!state) throw new ContractNotFound('no such contract');
      const lockedThrough = await this.statements.lockedThrough(m, contractId);
      const { roles, ...change } = input;
      const events = decideContract({ type: 'ReviseContract', data: { ...change, now, lockedThrough } }, state);
      await this.contracts.append(m, events, input.by, now);
      const revised = events.reduce<Contract | null>(evolveContract, state) as Contract;
      await MoneyAudit.rateCardChanged(m, { sub: input.by, roles }, revised);
      return revised;
    });
  }

  /** A vendor (vendorScope set) sees only its own contracts; another vendor's contract is "not found". */
  get(districtId: string, contractId: string, vendorScope: string | null): Promise<Contract> {
    return inTenantTransaction(this.dataSource, districtId, async (m) => {
      const c = await this.contracts.load(m, contractId);
      if (!c || (vendorScope !== null && c.vendorId !== vendorScope)) throw new ContractNotFound('no such contract');
      return c;
    });
  }

  list(districtId: string, vendorScope: string | null, limit: number, offset: number): Promise<ContractPage> {
    return inTenantTransaction(this.dataSource, districtId, (m) => this.contracts.list(m, vendorScope, limit, offset));
  }
}

// A contract between a district and a vendor, and its rate card versions. A change is a new version effective
// from a date; a version never changes, and no version may reach back into a period already on a statement.
import type { LocalDate, Timestamp } from '@tutoring/shared/contracts';
import { rateCardErrors, type RateCard, type RateCardError } from './rate-card';

export interface ContractVersion {
  version: number;
  effectiveFrom: LocalDate;
  rateCard: RateCard;
  createdBy: string;
  createdAt: Timestamp;
}

export interface Contract {
  contractId: string;
  districtId: string;
  vendorId: string;
  name: string;
  startDate: LocalDate;
  endDate: LocalDate;
  versions: ContractVersion[];
}

export class ContractRuleViolation extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly errors: RateCardError[] = [],
  ) {
    super(message);
  }
}

export interface CreateContract {
  type: 'CreateContract';
  data: Omit<Contract, 'versions'> & { rateCard: RateCard; by: string; now: Timestamp };
}

export interface ReviseContract {
  type: 'ReviseContract';
  /** lockedThrough: the last periodEnd of an issued statement (null if none): a new version starts after it. */
  data: { effectiveFrom: LocalDate; rateCard: RateCard; by: string; now: Timestamp; lockedThrough: LocalDate | null };
}

export type ContractCommand = CreateContract | ReviseContract;

export type ContractEvent =
  | { type: 'ContractCreated'; data: Omit<Contract, 'versions'> }
  | { type: 'ContractVersionAdded'; data: { contractId: string } & ContractVersion };

const assertValidCard = (card: RateCard): void => {
  const errors = rateCardErrors(card);
  if (errors.length) throw new ContractRuleViolation('invalid_rate_card', 'the rate card breaks its rules', errors);
};

export const decideContract = (command: ContractCommand, state: Contract | null): ContractEvent[] => {
  switch (command.type) {
    case 'CreateContract': {
      if (state) throw new ContractRuleViolation('exists', 'the contract already exists');
      const { rateCard, by, now, ...contract } = command.data;
      if (contract.endDate < contract.startDate)
        throw new ContractRuleViolation('dates', 'endDate is before startDate');
      assertValidCard(rateCard);
      return [
        { type: 'ContractCreated', data: contract },
        {
          type: 'ContractVersionAdded',
          data: {
            contractId: contract.contractId,
            version: 1,
            effectiveFrom: contract.startDate,
            rateCard,
            createdBy: by,
            createdAt: now,
          },
        },
      ];
    }
    case 'ReviseContract': {
      if (!state) throw new ContractRuleViolation('not_found', 'no such contract');
      const d = command.data;
      assertValidCard(d.rateCard);
      const last = state.versions[state.versions.length - 1];
      if (last && d.effectiveFrom <= last.effectiveFrom)
        throw new ContractRuleViolation('effective_from', `a new version must start after ${last.effectiveFrom}`);
      if (d.lockedThrough && d.effectiveFrom <= d.lockedThrough)
        throw new ContractRuleViolation(
          'locked',
          `statements are issued through ${d.lockedThrough}; a new version must start after it`,
        );
      if (d.effectiveFrom > state.endDate)
        throw new ContractRuleViolation('effective_from', 'starts after the contract ends');
      return [
        {
          type: 'ContractVersionAdded',
          data: {
            contractId: state.contractId,
            version: (last?.version ?? 0) + 1,
            effectiveFrom: d.effectiveFrom,
            rateCard: d.rateCard,
            createdBy: d.by,
            createdAt: d.now,
          },
        },
      ];
    }
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown command ${String(_exhaustive)}`);
    }
  }
};

export const evolveContract = (state: Contract | null, event: ContractEvent): Contract | null => {
  switch (event.type) {
    case 'ContractCreated':
      return { ...event.data, versions: [] };
    case 'ContractVersionAdded': {
      if (!state) return state;
      const { contractId: _id, ...version } = event.data;
      return { ...state, versions: [...state.versions, version] };
    }
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};

/** The version in force on a date: the latest whose effectiveFrom is on or before it (null before the first). */
export const versionAt = (contract: Pick<Contract, 'versions'>, date: LocalDate): ContractVersion | null => {
  let found: ContractVersion | null = null;
  for (const v of contract.versions)
    if (v.effectiveFrom <= date && (!found || v.effectiveFrom >= found.effectiveFrom)) found = v;
  return found;
};

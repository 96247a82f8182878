// Data schemas of what finance consumes on tutoring.finance.payouts.v1 (key = contractId).
import {
  CURRENCIES,
  MAX_ACTOR_ID_LENGTH,
  MAX_DESCRIPTION_LENGTH,
  MAX_STATEMENT_LINES,
  STATEMENT_KINDS,
  STATEMENT_LINE_KINDS,
  STATEMENT_UNITS,
} from '../limits';
import { STATEMENT_APPROVED_V1, STATEMENT_ISSUED_V1 } from '../event-types';
import {
  arrayOf,
  boundedString,
  cents,
  enumOf,
  eventSchema,
  integer,
  localDate,
  nullableUuid,
  object,
  quantity,
  timestamp,
  uuid,
  type JsonSchema,
} from './common.schema';

const ledgerPosition = (description: string): JsonSchema => integer(description, 0, Number.MAX_SAFE_INTEGER);

export const statementEvidenceSchema: JsonSchema = object('Where in the ledger the line comes from', {
  ledgerPositions: {
    type: 'array',
    minItems: 2,
    maxItems: 2,
    items: ledgerPosition('Ledger position'),
    description: 'Inclusive range [from, to], from <= to',
  },
  entries: integer('Number of ledger entries in the range that contributed to the line', 0, Number.MAX_SAFE_INTEGER),
});

export const statementLineSchema: JsonSchema = object('One line of a payout statement', {
  kind: enumOf(STATEMENT_LINE_KINDS, 'Line kind'),
  description: boundedString('What the line pays for (no student PII)', 1, MAX_DESCRIPTION_LENGTH),
  studentId: nullableUuid('Student the line is about; null for aggregate lines'),
  quantity: quantity(),
  unit: enumOf(STATEMENT_UNITS, 'Unit of quantity'),
  unitPriceCents: cents('Price per unit'),
  amountCents: cents('Line amount, negative for withheld or deducted money'),
  evidence: statementEvidenceSchema,
});

export const statementIssuedSchema: JsonSchema = eventSchema(
  STATEMENT_ISSUED_V1,
  object(
    'A payout statement computed from the ledger and the rate card. Also enforced: periodStart <= periodEnd; ' +
      'totalCents = sum of lines[].amountCents; evidence from <= to.',
    {
      statementId: uuid('Statement'),
      districtId: uuid('District (tenant)'),
      contractId: uuid('Contract; the Kafka key'),
      vendorId: uuid('Vendor paid'),
      kind: enumOf(STATEMENT_KINDS, 'base (periodic) or settlement (outcomes)'),
      periodStart: localDate('First day of the period, inclusive'),
      periodEnd: localDate('Last day of the period, inclusive'),
      currency: enumOf(CURRENCIES, 'ISO 4217 currency'),
      lines: arrayOf(statementLineSchema, 0, MAX_STATEMENT_LINES, 'Statement lines'),
      totalCents: cents('Sum of line amounts'),
      ledgerPosition: ledgerPosition('Ledger position the statement was computed at'),
      computedAt: timestamp('When it was computed'),
    },
  ),
);

export const statementApprovedSchema: JsonSchema = eventSchema(
  STATEMENT_APPROVED_V1,
  object('A statement was approved; it never changes afterwards', {
    statementId: uuid('Statement'),
    contractId: uuid('Contract; the Kafka key'),
    approvedBy: boundedString(
      'Opaque pseudonymous user id of the approver (OIDC subject), never an e-mail or a name',
      1,
      MAX_ACTOR_ID_LENGTH,
    ),
    approvedAt: timestamp('When it was approved'),
    totalCents: cents('Approved total'),
  }),
);

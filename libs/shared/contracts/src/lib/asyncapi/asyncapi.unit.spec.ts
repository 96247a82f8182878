// The committed AsyncAPI document must parse without errors and carry, byte for byte, the schemas the
// code validates with; regenerate it with:
//   node -r ./tools/register.js libs/shared/contracts/scripts/generate-asyncapi.ts
import { Parser } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';
import { ASYNCAPI_PATH, renderAsyncApi } from '../../../scripts/generate-asyncapi';
import { EVENT_SCHEMAS, vendorAssignmentPlaceholderSchema } from '../schemas';
import { EVENT_TYPES } from '../event-types';
import { ASYNCAPI_MESSAGES, ASYNCAPI_SCHEMA_FORMAT } from './asyncapi.document';

const committed = readFileSync(ASYNCAPI_PATH, 'utf8');
type Doc = {
  components: {
    messages: Record<string, { payload: { schema: unknown }; headers: { properties: { ce_type: { const: string } } } }>;
  };
};
const doc = JSON.parse(committed) as Doc;

const withoutParserKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutParserKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !key.startsWith('x-parser-'))
      .map(([key, v]) => [key, withoutParserKeys(v)]),
  );
};

describe('asyncapi.json', () => {
  it('is what the generator produces from the exported schemas (regenerate if this fails)', () => {
    // Compared as JSON, not text, so a formatter run over the file does not matter.
    expect(JSON.parse(committed)).toEqual(JSON.parse(renderAsyncApi()));
  });

  it('parses as AsyncAPI 3.0 without error diagnostics', async () => {
    const { document, diagnostics } = await new Parser().parse(committed);
    expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(
      document
        ?.channels()
        .all()
        .map((c) => c.address()),
    ).toEqual(
      expect.arrayContaining([
        'tutoring.vendor.{vendorId}.sessions.v1',
        'tutoring.vendor.{vendorId}.feedback.v1',
        'tutoring.vendor.{vendorId}.assignments.v1',
        'tutoring.finance.payouts.v1',
        'tutoring.enrollment.vendors.v1',
      ]),
    );
  });

  it('carries every event type once, with a payload deep-equal to its exported JSON Schema', () => {
    const byType = Object.values(doc.components.messages).filter(
      (m) =>
        m.headers.properties.ce_type.const.startsWith('org.tutoring.') &&
        !m.headers.properties.ce_type.const.includes('*'),
    );
    expect(byType.map((m) => m.headers.properties.ce_type.const).sort()).toEqual([...EVENT_TYPES].sort());
    for (const message of byType) {
      expect(message.payload.schema).toEqual(
        EVENT_SCHEMAS[message.headers.properties.ce_type.const as keyof typeof EVENT_SCHEMAS],
      );
    }
    expect(doc.components.messages['vendorAssignment']?.payload.schema).toEqual(vendorAssignmentPlaceholderSchema);
  });

  it('keeps the payloads unchanged through the parser', async () => {
    const { document } = await new Parser().parse(committed);
    const messages = document?.allMessages().all() ?? [];
    expect(messages).toHaveLength(Object.keys(ASYNCAPI_MESSAGES).length);
    for (const message of messages) {
      const spec = ASYNCAPI_MESSAGES[message.id()];
      // A multi-format payload keeps the schema under `schema`, next to `schemaFormat`.
      const payload = message.payload()?.json() as { schema?: unknown; schemaFormat?: string };
      expect(payload.schemaFormat).toBe(ASYNCAPI_SCHEMA_FORMAT);
      expect(withoutParserKeys(payload.schema)).toEqual(spec?.schema);
    }
  });
});

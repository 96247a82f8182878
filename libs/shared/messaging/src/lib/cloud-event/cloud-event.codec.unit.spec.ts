import { decodeCloudEvent, encodeBinary } from './cloud-event.codec';
import type { CloudEvent } from './cloud-event.types';

const anEvent = (over: Partial<CloudEvent> = {}): CloudEvent => ({
  specversion: '1.0',
  id: '6f1c1d9e-2f4c-4b53-9a55-2f6a1b1f4a10',
  source: 'urn:tutoring:vendor:v1',
  type: 'org.tutoring.session.delivered.v1',
  time: '2026-11-23T10:00:00-05:00',
  subject: 'session-1',
  districtid: 'd-1',
  data: { sessionId: 's-1', minutes: 30 },
  ...over,
});

const binaryHeaders = (over: Record<string, string | undefined> = {}) => {
  const h: Record<string, string | undefined> = { ...encodeBinary(anEvent()).headers, ...over };
  return Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>;
};

describe('encodeBinary', () => {
  it('puts attributes in ce_ headers and data JSON in the value', () => {
    const { headers, value } = encodeBinary(anEvent({ extensions: { traceid: 'x' } }));
    expect(headers).toEqual({
      ce_specversion: '1.0',
      ce_id: '6f1c1d9e-2f4c-4b53-9a55-2f6a1b1f4a10',
      ce_source: 'urn:tutoring:vendor:v1',
      ce_type: 'org.tutoring.session.delivered.v1',
      ce_time: '2026-11-23T10:00:00-05:00',
      ce_subject: 'session-1',
      ce_districtid: 'd-1',
      ce_traceid: 'x',
      'content-type': 'application/json',
    });
    expect(JSON.parse(value.toString('utf8'))).toEqual({ sessionId: 's-1', minutes: 30 });
  });

  it('omits absent optional attributes', () => {
    const { headers } = encodeBinary(anEvent({ time: undefined, subject: undefined, districtid: undefined }));
    expect(Object.keys(headers).sort()).toEqual(['ce_id', 'ce_source', 'ce_specversion', 'ce_type', 'content-type']);
  });
});

describe('decodeCloudEvent, binary mode', () => {
  it('round-trips an encoded event', () => {
    const original = anEvent({ extensions: { partitionkey: 'k' } });
    const result = decodeCloudEvent(encodeBinary(original));
    expect(result).toEqual({ ok: true, mode: 'binary', event: { ...original, datacontenttype: 'application/json' } });
  });

  it('accepts Buffer header values and header arrays, case-insensitively', () => {
    const headers = Object.fromEntries(
      Object.entries(binaryHeaders()).map(([k, v]) => [k.toUpperCase(), [Buffer.from(v)]]),
    );
    const result = decodeCloudEvent({ headers, value: Buffer.from('{"a":1}') });
    expect(result.ok && result.event.id).toBe('6f1c1d9e-2f4c-4b53-9a55-2f6a1b1f4a10');
  });

  it('names ce_id when it is missing', () => {
    const result = decodeCloudEvent({ headers: binaryHeaders({ ce_id: undefined }), value: '{}' });
    expect(result).toEqual({ ok: false, errors: [{ path: 'ce_id', code: 'required', message: 'ce_id is required' }] });
  });

  it('reports every missing required attribute', () => {
    const result = decodeCloudEvent({ headers: { 'content-type': 'application/json' }, value: '{}' });
    expect(result.ok ? [] : result.errors.map((e) => `${e.path}:${e.code}`)).toEqual([
      'ce_specversion:required',
      'ce_id:required',
      'ce_source:required',
      'ce_type:required',
    ]);
  });

  it('rejects a wrong specversion', () => {
    const result = decodeCloudEvent({ headers: binaryHeaders({ ce_specversion: '0.3' }), value: '{}' });
    expect(result.ok ? [] : result.errors).toEqual([
      { path: 'ce_specversion', code: 'unsupported', message: 'specversion 0.3 is not 1.0' },
    ]);
  });

  it('rejects a time without an offset', () => {
    const result = decodeCloudEvent({ headers: binaryHeaders({ ce_time: '2026-11-23T10:00:00' }), value: '{}' });
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.code])).toEqual([['ce_time', 'invalid_format']]);
  });

  it('rejects a non-JSON value with path value', () => {
    const result = decodeCloudEvent({ headers: binaryHeaders(), value: Buffer.from('not json {') });
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.code])).toEqual([['value', 'not_json']]);
  });

  it('rejects an empty value', () => {
    const result = decodeCloudEvent({ headers: binaryHeaders(), value: null });
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.code])).toEqual([['value', 'required']]);
  });

  it('rejects a non-JSON content-type', () => {
    const result = decodeCloudEvent({ headers: binaryHeaders({ 'content-type': 'text/plain' }), value: '{}' });
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.code])).toEqual([['content-type', 'unsupported']]);
  });

  it('rejects an oversize value without parsing it', () => {
    const parse = jest.spyOn(JSON, 'parse');
    const value = Buffer.alloc(300 * 1024, 0x20);
    const result = decodeCloudEvent({ headers: binaryHeaders(), value });
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.code])).toEqual([['value', 'too_large']]);
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
  });

  it('honours a custom maxBytes', () => {
    const result = decodeCloudEvent({ headers: binaryHeaders(), value: '{"a":"0123456789"}' }, { maxBytes: 10 });
    expect(result.ok ? [] : result.errors.map((e) => e.code)).toEqual(['too_large']);
  });
});

describe('decodeCloudEvent, structured mode', () => {
  const structured = (body: unknown) => ({
    headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
    value: Buffer.from(JSON.stringify(body)),
  });
  const { extensions: _x, ...plain } = anEvent();

  it('reads the whole event from the value', () => {
    const result = decodeCloudEvent(structured({ ...plain, vendorext: 'v' }));
    expect(result).toEqual({ ok: true, mode: 'structured', event: { ...plain, extensions: { vendorext: 'v' } } });
  });

  it('names missing attributes without the ce_ prefix', () => {
    const { id: _id, ...noId } = plain;
    const result = decodeCloudEvent(structured(noId));
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.code])).toEqual([['id', 'required']]);
  });

  it('rejects a wrong specversion', () => {
    const result = decodeCloudEvent(structured({ ...plain, specversion: '0.3' }));
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.code])).toEqual([['specversion', 'unsupported']]);
  });

  it('rejects a body that is not an object', () => {
    const result = decodeCloudEvent(structured([1, 2]));
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.code])).toEqual([['value', 'invalid_type']]);
  });

  it('rejects data_base64 and non-JSON datacontenttype', () => {
    const result = decodeCloudEvent(structured({ ...plain, datacontenttype: 'text/csv', data_base64: 'AA==' }));
    expect(result.ok ? [] : result.errors.map((e) => e.path).sort()).toEqual(['data_base64', 'datacontenttype']);
  });

  it('rejects non-JSON and oversize bodies', () => {
    const bad = decodeCloudEvent({ headers: { 'content-type': 'application/cloudevents+json' }, value: '{' });
    expect(bad.ok ? [] : bad.errors.map((e) => e.code)).toEqual(['not_json']);
    const big = decodeCloudEvent(structured({ ...plain, data: 'x'.repeat(300 * 1024) }));
    expect(big.ok ? [] : big.errors.map((e) => e.code)).toEqual(['too_large']);
  });
});

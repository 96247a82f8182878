import { bearerToken, reasonFor } from './jwt.errors';
import { InvalidClaimsError } from './principal';

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer   abc.def.ghi ', 'abc.def.ghi'],
    ['Basic dXNlcjpwYXNz', null],
    ['Bearer', null],
    ['Bearer a b', null],
    [undefined, null],
    [['Bearer a.b.c'], null],
  ])('%j → %j', (header, token) => {
    expect(bearerToken(header as string | undefined)).toBe(token);
  });
});

describe('reasonFor', () => {
  it('names the claim that failed without echoing config', () => {
    expect(reasonFor({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' }).reason).toBe(
      'token audience is not accepted',
    );
    expect(reasonFor({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'iss' }).reason).toBe(
      'token issuer is not accepted',
    );
  });

  it('passes claim-mapping reasons through', () => {
    expect(reasonFor(new InvalidClaimsError('claim district_id is required')).reason).toBe(
      'claim district_id is required',
    );
  });

  it('hides unexpected failures behind a generic reason and keeps the cause for logs', () => {
    const cause = new Error('connect ECONNREFUSED 10.0.0.7:443');
    const error = reasonFor(cause);
    expect(error.reason).toBe('token could not be verified');
    expect(error.internal).toBe(true);
    expect(error.cause).toBe(cause);
  });
});

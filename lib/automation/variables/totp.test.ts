import { describe, expect, it } from 'vitest';
import { totp } from './totp.js';

// RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const RFC_SECRET_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/** A plain base32 encoder (RFC 4648, no padding), to check the constant above independently. */
function base32(bytes: Buffer): string {
  const bits = [...bytes].map((byte) => byte.toString(2).padStart(8, '0')).join('');
  const chunks = bits.match(/.{1,5}/g) ?? [];
  return chunks.map((chunk) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[parseInt(chunk.padEnd(5, '0'), 2)]).join('');
}

describe('totp', () => {
  it('uses the base32 form of the RFC seed', () => {
    expect(base32(Buffer.from('12345678901234567890', 'ascii'))).toBe(RFC_SECRET_BASE32);
  });

  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('matches the RFC 6238 SHA-1 vector at T=%i', (seconds, expected) => {
    expect(totp(RFC_SECRET_BASE32, { digits: 8, now: seconds * 1000 })).toBe(expected);
  });

  it('gives 6 digits by default, as pyotp does', () => {
    expect(totp(RFC_SECRET_BASE32, { now: 59_000 })).toBe('287082');
    expect(totp(RFC_SECRET_BASE32)).toMatch(/^\d{6}$/);
  });

  it('reads secrets as authenticator apps show them: any case, spaces, no padding', () => {
    const now = 1_700_000_000_000;
    expect(totp('gezd gnbv gy3t qojq gezd gnbv gy3t qojq', { now })).toBe(totp(RFC_SECRET_BASE32, { now }));
    expect(totp('GEZDGNA', { now })).toBe(totp('GEZDGNA=', { now }));
  });

  it('changes code once per 30-second step', () => {
    expect(totp(RFC_SECRET_BASE32, { now: 30_000 })).toBe(totp(RFC_SECRET_BASE32, { now: 59_999 }));
    expect(totp(RFC_SECRET_BASE32, { now: 60_000 })).not.toBe(totp(RFC_SECRET_BASE32, { now: 59_999 }));
  });

  it.each([['1189', 'character 1'], ['ABC', 'length'], ['', 'empty'], ['AB=C', 'character 3']])('refuses %j without echoing it', (secret, fragment) => {
    let message = '';
    try {
      totp(secret);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(fragment);
    if (secret.length > 0) expect(message).not.toContain(secret);
  });

  it('refuses impossible digit counts', () => {
    expect(() => totp(RFC_SECRET_BASE32, { digits: 11 })).toThrow(RangeError);
    expect(() => totp(RFC_SECRET_BASE32, { digits: 0 })).toThrow(RangeError);
  });
});

import { createHmac } from 'node:crypto';

/**
 * RFC 6238 TOTP with pyotp's defaults (HMAC-SHA1, 30 s period, 6 digits), for `totp` secure
 * parameters and `totp_secret` values from 1Password / Secrets Manager. The secret is base32 as
 * authenticator apps show it: case does not matter, spaces are ignored, padding may be left out.
 * Error messages never contain the secret.
 */
export function totp(secret: string, options: { digits?: number; period?: number; now?: number } = {}): string {
  const { digits = 6, period = 30, now = Date.now() } = options;
  // pyotp refuses more than 10 digits; 31 bits of truncated HMAC cannot fill more anyway.
  if (!Number.isInteger(digits) || digits < 1 || digits > 10) throw new RangeError(`TOTP digits must be an integer from 1 to 10, got ${digits}`);
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`TOTP period must be a positive number of seconds, got ${period}`);
  if (!Number.isFinite(now) || now < 0) throw new RangeError('TOTP time must be a non-negative number of milliseconds');
  const key = decodeBase32(secret);
  const counter = Math.floor(now / 1000 / period);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  // RFC 4226 5.3 dynamic truncation: 4 bytes at the offset named by the low nibble of the last byte.
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const code = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(code % 10 ** digits).padStart(digits, '0');
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
// Base32 groups of 8 characters carry 5 bytes; a final partial group can only be 2, 4, 5 or 7 long.
const VALID_TAIL_LENGTHS = new Set([0, 2, 4, 5, 7]);

function decodeBase32(secret: string): Buffer {
  const text = secret.replace(/\s+/g, '').toUpperCase().replace(/=+$/, '');
  if (text.length === 0) throw new Error('TOTP secret is empty');
  const bad = [...text].findIndex((ch) => !ALPHABET.includes(ch));
  if (bad >= 0) throw new Error(`TOTP secret is not base32: character ${bad + 1} is not A-Z or 2-7`);
  if (!VALID_TAIL_LENGTHS.has(text.length % 8)) throw new Error('TOTP secret is not base32: its length is impossible for base32');
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of text) {
    // Only the low 13 bits are ever read, so the accumulator is kept to 16 bits.
    buffer = ((buffer << 5) | ALPHABET.indexOf(ch)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

import { describe, expect, it } from 'vitest';
import { createUploadSigningKey, createUploadUrlSigner, uploadUrlOf } from './upload-urls.js';

describe('upload URL signatures', () => {
  const signer = createUploadUrlSigner(createUploadSigningKey());
  const now = new Date('2026-03-01T12:00:00Z');
  const expires = Math.floor(now.getTime() / 1000) + 60;
  const grant = { taskId: 'task-1', filename: 'report.csv', expires };
  const signature = signer.sign(grant);
  const check = (changes: Partial<{ taskId: string; filename: string; expires: string | undefined; signature: string | undefined }>, at = now) =>
    signer.check({ taskId: grant.taskId, filename: grant.filename, expires: String(expires), signature, ...changes }, at);

  it('accepts the URL it signed until its expiry second', () => {
    expect(check({})).toEqual({ ok: true });
    expect(check({}, new Date(expires * 1000))).toEqual({ ok: true });
    expect(check({ signature: signature.toUpperCase() })).toEqual({ ok: true });
  });

  it.each([
    ['another task', { taskId: 'task-2' }, 'Upload URL signature does not match'],
    ['another file', { filename: 'other.csv' }, 'Upload URL signature does not match'],
    ['a later expiry', { expires: String(expires + 1) }, 'Upload URL signature does not match'],
    ['no expiry', { expires: undefined }, 'Upload URL has no valid expiry'],
    ['a non-numeric expiry', { expires: '1e9' }, 'Upload URL has no valid expiry'],
    ['no signature', { signature: undefined }, 'Upload URL has no valid signature'],
    ['a short signature', { signature: signature.slice(2) }, 'Upload URL has no valid signature'],
  ])('refuses %s', (_case, changes, reason) => {
    expect(check(changes)).toEqual({ ok: false, reason });
  });

  it('refuses an expired URL only once its signature is known to be genuine', () => {
    const later = new Date((expires + 1) * 1000);
    expect(check({}, later)).toEqual({ ok: false, reason: 'Upload URL has expired' });
    expect(check({ filename: 'x' }, later)).toEqual({ ok: false, reason: 'Upload URL signature does not match' });
  });

  it('frames the fields, so moving characters between task and name breaks the signature', () => {
    const shifted = createUploadUrlSigner(Buffer.alloc(32, 1));
    expect(shifted.sign({ taskId: 'ab', filename: 'c', expires })).not.toBe(shifted.sign({ taskId: 'a', filename: 'bc', expires }));
  });

  it('differs between keys', () => {
    expect(createUploadUrlSigner(createUploadSigningKey()).sign(grant)).not.toBe(signature);
  });

  it('percent-encodes the task and file name into one path segment each', () => {
    const url = new URL(uploadUrlOf('http://127.0.0.1:8000', '/base/api/v1/uploads', { taskId: 't 1', filename: 'a b#?.csv', expires: 5 }, 'ab'));
    expect(url.pathname).toBe('/base/api/v1/uploads/t%201/a%20b%23%3F.csv');
    expect(Object.fromEntries(url.searchParams)).toEqual({ expires: '5', signature: 'ab' });
  });
});

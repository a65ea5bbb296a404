import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Upload URLs of the current protocol, as S3 presigned URLs work: whoever holds one may PUT that
 * one file for that one task until it expires, without an API key. The URL carries its expiry
 * and an HMAC-SHA256 over method, task, file name and expiry; the key is random, made once per
 * DATA_DIR and kept in its database, so URLs stay valid across a restart and nobody can forge
 * one without reading the database.
 */

/** Fixed path (under SERVER_URL's path) the signed URLs point at: `{UPLOADS_PATH}/{task_id}/{filename}`. */
export const UPLOADS_PATH = '/api/v1/uploads';

/** The name of the key in the `secrets` table. */
export const UPLOAD_SIGNING_KEY_NAME = 'upload_url_signing_key';

/** Long enough for a worker to push every file of a big task one after the other. */
export const DEFAULT_UPLOAD_URL_TTL_SECONDS = 60 * 60;

export function createUploadSigningKey(): Buffer {
  return randomBytes(32);
}

export type UploadGrant = { taskId: string; filename: string; expires: number };

export type UploadUrlCheck = { ok: true } | { ok: false; reason: string };

export type UploadUrlSigner = ReturnType<typeof createUploadUrlSigner>;

export function createUploadUrlSigner(key: Buffer) {
  // A JSON array frames each field, so no task id or name can shift bytes into its neighbour.
  const mac = (grant: UploadGrant) =>
    createHmac('sha256', key).update(JSON.stringify(['PUT', grant.taskId, grant.filename, grant.expires]), 'utf8').digest();

  return {
    sign: (grant: UploadGrant): string => mac(grant).toString('hex'),

    /** Checks the signature (in constant time) before the expiry, so a forged URL learns nothing. */
    check(grant: { taskId: string; filename: string; expires: string | undefined; signature: string | undefined }, now: Date): UploadUrlCheck {
      if (grant.expires === undefined || !/^\d{1,12}$/.test(grant.expires)) return { ok: false, reason: 'Upload URL has no valid expiry' };
      if (grant.signature === undefined || !/^[0-9a-f]{64}$/i.test(grant.signature)) return { ok: false, reason: 'Upload URL has no valid signature' };
      const expected = mac({ taskId: grant.taskId, filename: grant.filename, expires: Number(grant.expires) });
      if (!timingSafeEqual(Buffer.from(grant.signature, 'hex'), expected)) return { ok: false, reason: 'Upload URL signature does not match' };
      if (Number(grant.expires) < Math.floor(now.getTime() / 1000)) return { ok: false, reason: 'Upload URL has expired' };
      return { ok: true };
    },
  };
}

/** `{origin}{prefix}/{task}/{name}?expires=…&signature=…`, each path part percent-encoded. */
export function uploadUrlOf(origin: string, prefix: string, grant: UploadGrant, signature: string): string {
  const url = new URL(`${prefix}/${encodeURIComponent(grant.taskId)}/${encodeURIComponent(grant.filename)}`, origin);
  url.searchParams.set('expires', String(grant.expires));
  url.searchParams.set('signature', signature);
  return url.toString();
}

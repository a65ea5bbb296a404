import * as z from 'zod';
import { AppError } from '../../errors.js';
import type { HttpEvent } from '../../http/create-http-handler.js';

export const UploadedFile = z.object({
  filename: z.string(),
  contentType: z.string(),
  content: z.instanceof(Buffer),
});
export type UploadedFile = z.infer<typeof UploadedFile>;

export type MultipartBody = { fields: Record<string, string[]>; files: Record<string, UploadedFile[]> };

/**
 * Reads a multipart/form-data body with the platform's own parser (undici's `Request.formData`)
 * rather than a hand-written one. The Lambda event carries binary bodies base64-encoded.
 */
export async function readMultipart(event: HttpEvent): Promise<MultipartBody> {
  const contentType = event.headers?.['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    throw new AppError('BAD_MULTIPART', 'Request body must be multipart/form-data (with a boundary)');
  }
  const raw = event.body == null ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  let form: FormData;
  try {
    form = await new Request('http://control-plane.local/', { method: 'POST', headers: { 'content-type': contentType }, body: raw }).formData();
  } catch (error) {
    throw new AppError('BAD_MULTIPART', 'Request body is not valid multipart/form-data', { cause: error });
  }
  const body: MultipartBody = { fields: {}, files: {} };
  for (const [name, value] of form) {
    if (typeof value === 'string') {
      (body.fields[name] ??= []).push(value);
    } else {
      const file = { filename: value.name, contentType: value.type, content: Buffer.from(await value.arrayBuffer()) };
      (body.files[name] ??= []).push(file);
    }
  }
  return body;
}

/** A field sent once reads as its value; sent twice it stays a list, which a schema then refuses. */
export function single<T>(values: T[] | undefined): T | T[] | undefined {
  return values?.length === 1 ? values[0] : values;
}

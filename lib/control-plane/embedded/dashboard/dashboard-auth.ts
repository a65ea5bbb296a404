import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { HttpEvent } from '../../../http/create-http-handler.js';
import { presentedApiKey } from '../route-kit.js';

/**
 * A browser cannot send `x-api-key` on a navigation, so signing in trades the key for a cookie.
 * The cookie holds an HMAC of a fixed label keyed by the API key: it proves the key was known
 * without carrying it, and rotating API_KEY signs every browser out.
 */
export const SESSION_COOKIE = 'cp_dashboard';
const SESSION_LABEL = 'embedded-control-plane dashboard session v1';

export type DashboardAuth = ReturnType<typeof createDashboardAuth>;

export function createDashboardAuth(apiKey: string, options: { cookiePath: string; secure: boolean }) {
  const token = createHmac('sha256', apiKey).update(SESSION_LABEL).digest('base64url');
  const tokenDigest = digest(token);
  const keyDigest = digest(apiKey);
  const attributes = `Path=${options.cookiePath}; HttpOnly; SameSite=Strict${options.secure ? '; Secure' : ''}`;

  /** Equal-length digests, so the comparison time says nothing about the secret's length. */
  const sameKey = (presented: string) => timingSafeEqual(digest(presented), keyDigest);

  return {
    sameKey,
    isSignedIn(event: HttpEvent): boolean {
      const header = presentedApiKey(event);
      if (header !== undefined) return sameKey(header);
      const cookie = cookieValue(event, SESSION_COOKIE);
      return cookie !== undefined && timingSafeEqual(digest(cookie), tokenDigest);
    },
    signInCookie: () => `${SESSION_COOKIE}=${token}; ${attributes}; Max-Age=${12 * 3600}`,
    signOutCookie: () => `${SESSION_COOKIE}=; ${attributes}; Max-Age=0`,
  };
}

/** A cookie from the event's `cookies` (payload v2) or its raw `cookie` header. */
function cookieValue(event: HttpEvent, name: string): string | undefined {
  const pairs = [...(event.cookies ?? []), ...(event.headers?.cookie ?? '').split(';')];
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

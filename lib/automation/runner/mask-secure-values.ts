/**
 * The one way secure values are kept out of what a run writes or sends: step lists, step files,
 * errors, log lines and the text shown to a model.
 */
export const MASK = '********';

/**
 * Replaces every secure value in `text` by a mask. Values under 3 characters are left alone:
 * masking them would blank out ordinary letters all over the locator and hide nothing.
 */
export function maskSecureValues(text: string, secure: Record<string, string[]>): string {
  const values = Object.values(secure)
    .flat()
    .filter((value) => typeof value === 'string' && value.length >= 3)
    // A value put in a URL (a go_to_url, a form sent by GET) shows up percent- or form-encoded.
    .flatMap((value) => [...new Set([value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2)])])
    // Longest first, so a value containing another is masked whole.
    .sort((a, b) => b.length - a.length);
  let masked = text;
  for (const value of values) masked = masked.split(value).join(MASK);
  return masked;
}

import { request as httpRequest } from 'node:http';
import fc from 'fast-check';

/**
 * Shared pieces of the route fuzz tests: requests sent raw over node:http (so bodies, headers
 * and targets are exactly what was generated) and generators of hostile input.
 */

export type FuzzRequest = { method: string; target: string; headers: Record<string, string>; body: Buffer | undefined };
export type FuzzAnswer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** Fixed, so a failure found once is found again; FUZZ_SEED=… explores other inputs. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261204);

export function send(base: string, request: FuzzRequest): Promise<FuzzAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: url.hostname, port: url.port, method: request.method, path: request.target, headers: request.headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    // A request the server never answers is a failure too (and names itself).
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error(`no answer within 10 s to ${request.method} ${request.target.slice(0, 200)}`)));
    outgoing.end(request.body);
  });
}

/** Keys that reach prototypes when code copies objects carelessly. */
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'then'];

const key = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 12 }));

/** JSON values with hostile keys and every type at every place. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    fc.constantFrom(-1, 0, 2 ** 53, -(2 ** 63), 1e308),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** Replaces one field of a valid body (at any depth) by a value of any type, or removes it. */
export function mutated(valid: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (Array.isArray(value)) value.forEach((item, index) => walk(item, [...path, index]));
    else if (value && typeof value === 'object') for (const [name, item] of Object.entries(value)) walk(item, [...path, name]);
  };
  walk(valid, []);
  return fc.tuple(fc.constantFrom(...paths), fc.option(hostileValue, { nil: undefined })).map(([path, replacement]) => {
    const copy = structuredClone(valid) as Record<string | number, unknown>;
    if (path.length === 0) return replacement;
    let holder = copy;
    for (const step of path.slice(0, -1)) holder = holder[step] as Record<string | number, unknown>;
    const last = path[path.length - 1] as string | number;
    if (replacement === undefined) delete holder[last];
    else holder[last] = replacement;
    return copy;
  });
}

/** Bodies: JSON of any shape, broken JSON, raw bytes, huge strings, deep nesting, `__proto__` objects. */
export function hostileBody(validBodies: unknown[]): fc.Arbitrary<Buffer | undefined> {
  const text = (arbitrary: fc.Arbitrary<string>) => arbitrary.map((value) => Buffer.from(value, 'utf8'));
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: text(hostileValue.map((value) => JSON.stringify(value) ?? 'null')) },
    { weight: 3, arbitrary: text(fc.oneof(...validBodies.map(mutated)).map((value) => JSON.stringify(value) ?? '')) },
    { weight: 2, arbitrary: text(fc.json({ maxDepth: 4 })) },
    // Broken JSON: a valid document cut short or with junk in it.
    { weight: 2, arbitrary: text(fc.tuple(fc.json(), fc.nat(), fc.string({ maxLength: 5 })).map(([json, at, junk]) => json.slice(0, at % (json.length + 1)) + junk)) },
    { weight: 1, arbitrary: text(fc.string({ unit: 'binary', maxLength: 200 })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 1, arbitrary: text(fc.constantFrom('{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '[{"__proto__":null}]', '{"task_id":{"__proto__":[]}}')) },
    // Deep nesting, balanced or not, up to ~50k levels (within the 1 MiB limit).
    { weight: 1, arbitrary: text(fc.tuple(fc.integer({ min: 1, max: 50_000 }), fc.constantFrom('[', '{"a":'), fc.boolean()).map(([depth, open, closed]) => {
      const close = open === '[' ? ']' : '}';
      return open.repeat(depth) + (open === '[' ? '1' : '1') + (closed ? close.repeat(depth) : '');
    })) },
    // Huge strings, in and around the body limit.
    { weight: 1, arbitrary: text(fc.integer({ min: 1, max: 1_200_000 }).map((size) => JSON.stringify({ task_id: 'x'.repeat(size) }))) },
  );
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16le',
  'APPLICATION/JSON',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'multipart/form-data',
  'application/octet-stream',
  'image/png',
  '*/*',
  ';;;',
  '',
];

/** Header values node:http lets through (tab, visible ASCII, Latin-1). */
const headerText = (maxLength: number) =>
  fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff })).map((code) => String.fromCharCode(code)), maxLength });

/** Headers: content-type variants, the key absent, empty, wrong, almost right, huge, or right. */
export function hostileHeaders(rightKey: string): fc.Arbitrary<Record<string, string>> {
  const apiKey = fc.oneof(
    { weight: 12, arbitrary: fc.constant(rightKey) },
    fc.constant(undefined),
    fc.constant(''),
    fc.constant(rightKey.slice(0, -1)),
    fc.constant(`${rightKey}x`),
    fc.constant(rightKey.toUpperCase()),
    fc.constant('x'.repeat(8000)),
    headerText(64),
  );
  const contentType = fc.oneof(fc.constant(undefined), fc.constantFrom(...CONTENT_TYPES), headerText(40));
  const extra = fc.dictionary(fc.constantFrom('accept', 'content-encoding', 'idempotency-key', 'x-forwarded-for', 'cookie', 'origin', 'x-odd'), headerText(40), { maxKeys: 3 });
  return fc.tuple(apiKey, contentType, extra).map(([key, type, more]) => ({
    ...more,
    ...(key === undefined ? {} : { 'x-api-key': key }),
    ...(type === undefined ? {} : { 'content-type': type }),
  }));
}

/** Characters node:http accepts in a request target (no spaces or controls). */
const targetChar = fc.oneof(
  fc.constantFrom('/', '?', '&', '=', '%', '#', '.', '..', '%00', '%zz', '%2F', '%7B', '+', '~', ';', '@', '[', ']', '{', '}'),
  fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)),
  // Anything else travels percent-encoded (node:http's parser refuses raw bytes above 0x7e itself).
  fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }).map((text) => encodeURIComponent(text)),
);
const junk = (maxLength: number) => fc.array(targetChar, { maxLength }).map((parts) => parts.join(''));

const query = fc.oneof(
  fc.constant(''),
  junk(30).map((text) => `?${text}`),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 4 }).map((params) => `?${new URLSearchParams(params).toString()}`),
  fc.constantFrom('?task_id=', '?task_id=a&task_id=b', '?task_id[]=a', '?__proto__=x', '?constructor[prototype]=1', '?limit=-1', '?limit=1e9', '?status=%00'),
);

/** The route's path with a hostile query, or junk after it, or a target of its own. */
export function hostileTarget(path: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: query.map((search) => path + search) },
    { weight: 1, arbitrary: junk(20).map((tail) => path + tail) },
    { weight: 1, arbitrary: junk(40).map((tail) => `/${tail}`) },
  );
}

export const ANY_METHOD = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

/** Mostly the route's own method (so the body reaches the handler), sometimes another. */
export function hostileRequest(
  routes: { method: string; path: string }[],
  headers: fc.Arbitrary<Record<string, string>>,
  body: fc.Arbitrary<Buffer | undefined>,
): fc.Arbitrary<FuzzRequest> {
  const method = (own: string) => fc.oneof({ weight: 5, arbitrary: fc.constant(own) }, { weight: 1, arbitrary: fc.constantFrom(...ANY_METHOD) });
  return fc
    .constantFrom(...routes)
    .chain((route) => fc.record({ method: method(route.method), target: hostileTarget(route.path), headers, body }))
    .map((request) => ({ ...request, body: request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body }));
}

/** Whatever the input, an answer: a status below 500, and JSON when it is an error of ours. */
export function checkAnswer(request: FuzzRequest, answer: FuzzAnswer): void {
  const where = `${request.method} ${request.target}`;
  if (answer.status >= 500) throw new Error(`${where} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  if (request.method !== 'HEAD' && answer.status >= 400 && String(answer.headers['content-type']).includes('application/json')) JSON.parse(answer.body);
}

/**
 * The API every adapter's server serves on origin B, so one scenario list fits them all.
 *
 * | route | answer |
 * |---|---|
 * | `GET /hello` | 200 `hello`, with `X-Request-Id` (exposed by the policy) and `X-Internal` (not exposed) |
 * | `POST /session` | 200 `signed in`, sets the session cookie |
 * | `GET /me` | 200 `session=<value>` when the cookie came along, else `anonymous` |
 * | `POST /users` (JSON `{ "name": … }`) | 201 `created <name>` |
 * | `DELETE /users/:id` | 200 `deleted <id>` |
 * | `GET /boom` | throws: the framework's own error handling answers 500 |
 *
 * NestJS also serves `DELETE /accounts/:id` (its handler allows only another origin) and
 * `DELETE /archive/:id` (`@DisableCors()`), both answering 200 `deleted <id>`.
 */

/** Body of `GET /hello`. */
export const HELLO_BODY = 'hello';

/** Response headers of `GET /hello`: the policy exposes the first and not the second. */
export const HELLO_HEADERS: Readonly<Record<string, string>> = {
  'X-Request-Id': 'req-42',
  'X-Internal': 'secret',
};

/** The header the policies list in `exposedHeaders`. */
export const EXPOSED_HEADER = 'X-Request-Id';

/** Body of `POST /session`. */
export const SIGNED_IN_BODY = 'signed in';

/**
 * The cookie `POST /session` sets. 127.0.0.1 and localhost are different sites, and Chromium
 * blocks unpartitioned third-party cookies, so only a partitioned (CHIPS) cookie set in a
 * response to the page's own credentialed fetch comes back on later fetches from that page.
 * `Secure` is accepted over http://localhost because localhost is a potentially trustworthy
 * origin. See the README for what was tried.
 */
export const SESSION_SET_COOKIE = 'session=e2e; Path=/; SameSite=None; Secure; Partitioned';

/** Body of `GET /me`: which session cookie, if any, the request carried. */
export function describeSession(cookieHeader: string | undefined): string {
  const session = /(?:^|;\s*)session=([^;]*)/.exec(cookieHeader ?? '')?.[1];
  return session === undefined ? 'anonymous' : `session=${session}`;
}

/** Body of `POST /users`. */
export function describeCreated(body: unknown): string {
  const name =
    typeof body === 'object' && body !== null && 'name' in body ? String(body.name) : '?';
  return `created ${name}`;
}

/** Body of the `DELETE` routes. */
export function describeDeleted(id: string): string {
  return `deleted ${id}`;
}

/** The error `GET /boom` throws. */
export function failRoute(): never {
  throw new Error('boom: the route failed');
}

import { pickCorsHeaders } from './observe.js';

/** What a hand test reads from a response: status, body, every `access-control-*` and `vary` header. */
export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Sends a request with `fetch` and reads its `Answer`. */
export async function fetchAnswer(url: string | URL, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  return {
    status: response.status,
    body: await response.text(),
    headers: pickCorsHeaders(response.headers),
  };
}

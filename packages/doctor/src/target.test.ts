import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkCors } from './index.js';
import { APP_ORIGIN, nodeListener, start } from './test-support/servers.js';

const POLICY = { origin: [APP_ORIGIN] };

describe('targets', () => {
  it('listens an http.Server that is not listening for the check, and closes it again', async () => {
    const server = createServer(nodeListener(POLICY));
    const result = await checkCors(server, { url: '/hello', origin: APP_ORIGIN });
    expect(result.outcome).toBe('readable');
    expect(result.request.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hello$/);
    expect(server.listening).toBe(false);
  });

  it('uses a listening http.Server where it is, and leaves it listening', async () => {
    const server = createServer(nodeListener(POLICY));
    const running = await start(server);
    try {
      const result = await checkCors(server, { url: '/hello', origin: APP_ORIGIN });
      expect(result.request.url).toBe(`${running.url}/hello`);
      expect(server.listening).toBe(true);
    } finally {
      await running.close();
    }
  });

  it('calls a bare Fetch handler in-process at http://localhost/', async () => {
    const seen: string[] = [];
    const result = await checkCors(
      (request: Request) => {
        seen.push(`${request.method} ${request.url} ${request.headers.get('Origin')}`);
        return new Response('ok', { headers: { 'Access-Control-Allow-Origin': '*' } });
      },
      { url: '/x', origin: APP_ORIGIN },
    );
    expect(result.outcome).toBe('readable');
    expect(seen).toEqual([`GET http://localhost/x ${APP_ORIGIN}`]);
  });

  it('refuses a target that is none of these', async () => {
    await expect(checkCors(42 as never, { origin: APP_ORIGIN })).rejects.toThrow(
      /the target must be/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { auditCors, checkCors } from './index.js';
import {
  APP_ORIGIN,
  expressIncumbent,
  fastifyIncumbent,
  honoIncumbent,
  koaIncumbent,
} from './test-support/servers.js';

// The incumbents' documented behaviours that a browser (or an attacker) punishes. Each row is
// also in the README with the command that shows it.
describe('cors (Express)', () => {
  it('origin: true with credentials hands credentials to every origin (audit: critical)', async () => {
    const report = await auditCors(expressIncumbent({ origin: true, credentials: true }), {
      url: '/hello',
      origin: APP_ORIGIN,
    });
    const critical = report.findings.filter(
      (finding) => finding.id === 'credentials-to-any-origin',
    );
    expect(critical.map((finding) => finding.severity)).toContain('critical');
    expect(critical.map((finding) => finding.title).join('\n')).toMatch(
      /random origin[\s\S]*null[\s\S]*evil\.test/,
    );
    expect(report.ok).toBe(false);
  });

  it("its README's RegExp /example\\.com$/ lets evilexample.com in (audit: origin reflected)", async () => {
    const report = await auditCors(expressIncumbent({ origin: /example\.com$/ }), {
      url: '/hello',
      origin: APP_ORIGIN,
    });
    const reflected = report.findings.filter((finding) => finding.id === 'origin-reflected');
    expect(reflected.map((finding) => finding.message).join('\n')).toContain(
      'https://evilexample.com',
    );
    expect(report.ok).toBe(false);
  });

  it('credentials: true with the default origin answers `*`, which browsers refuse with credentials', async () => {
    const result = await checkCors(expressIncumbent({ credentials: true }), {
      url: '/hello',
      origin: APP_ORIGIN,
      credentials: true,
    });
    expect(result.outcome).toBe('withheld');
    expect(result.steps.at(-1)?.rule).toBe('allow-origin-credentials');
  });

  it('passes a well-configured allowlist', async () => {
    const result = await checkCors(expressIncumbent({ origin: [APP_ORIGIN], credentials: true }), {
      url: '/hello',
      origin: APP_ORIGIN,
      method: 'PUT',
      credentials: true,
    });
    expect(result.outcome).toBe('readable');
  });
});

describe('@koa/cors', () => {
  it('credentials: true with the default origin reflects every origin with credentials (audit: critical)', async () => {
    const report = await auditCors(koaIncumbent({ credentials: true }), {
      url: '/hello',
      origin: APP_ORIGIN,
    });
    expect(
      report.findings.filter((finding) => finding.id === 'credentials-to-any-origin').length,
    ).toBeGreaterThanOrEqual(5);
    expect(report.findings[0]?.severity).toBe('critical');
  });

  it('a fixed origin string is sent to every origin, so other origins get a CORS error', async () => {
    const result = await checkCors(koaIncumbent({ origin: APP_ORIGIN }), {
      url: '/hello',
      origin: 'https://admin.example.com',
    });
    expect(result.outcome).toBe('withheld');
    expect(result.steps.at(-1)?.message).toContain(`is "${APP_ORIGIN}", not the request's origin`);
  });
});

describe('hono/cors', () => {
  it('credentials: true with the default origin sends `*` with credentials: browsers refuse it', async () => {
    const app = honoIncumbent({ origin: '*', credentials: true });
    const result = await checkCors(app, { url: '/hello', origin: APP_ORIGIN, credentials: true });
    expect(result.outcome).toBe('withheld');
    expect(result.steps.at(-1)?.fix).toMatch(/list the allowed origins/);
    const report = await auditCors(app, { url: '/hello', origin: APP_ORIGIN });
    expect(report.findings.map((finding) => finding.id)).toContain('wildcard-with-credentials');
  });

  it('allowMethods without the method the page uses fails at the preflight, naming the method', async () => {
    const app = honoIncumbent({ origin: [APP_ORIGIN], allowMethods: ['GET', 'POST'] });
    const result = await checkCors(app, { url: '/hello', origin: APP_ORIGIN, method: 'DELETE' });
    expect(result.outcome).toBe('blocked-at-preflight');
    expect(result.steps[0]?.fix).toBe(
      'add DELETE to Access-Control-Allow-Methods (methods option)',
    );
  });

  it('passes an allowlisted origin', async () => {
    const result = await checkCors(honoIncumbent({ origin: [APP_ORIGIN] }), {
      url: '/hello',
      origin: APP_ORIGIN,
    });
    expect(result.outcome).toBe('readable');
  });
});

describe('@fastify/cors', () => {
  it('the default methods (GET,HEAD,POST) block a PUT at the preflight, naming the fix', async () => {
    const server = await fastifyIncumbent({ origin: [APP_ORIGIN] });
    try {
      const result = await checkCors(`${server.url}/hello`, { origin: APP_ORIGIN, method: 'PUT' });
      expect(result.outcome).toBe('blocked-at-preflight');
      expect(result.steps[0]?.fix).toBe('add PUT to Access-Control-Allow-Methods (methods option)');
    } finally {
      await server.close();
    }
  });

  it("its README's origin function answers other origins with a 500 (audit: the refused preflight reached failing code)", async () => {
    const server = await fastifyIncumbent({
      origin: (origin, callback) => {
        if (origin !== undefined && new URL(origin).hostname === 'localhost') callback(null, true);
        else callback(new Error('Not allowed'), false);
      },
    });
    try {
      const report = await auditCors(`${server.url}/hello`, { origin: 'http://localhost:5173' });
      const finding = report.findings.find(
        (entry) => entry.id === 'refused-preflight-reaches-route',
      );
      expect(finding?.message).toContain('status 500');
      expect(report.ok).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('passes an allowlist with the methods the page uses', async () => {
    const server = await fastifyIncumbent({ origin: [APP_ORIGIN], methods: ['GET', 'PUT'] });
    try {
      const result = await checkCors(`${server.url}/hello`, { origin: APP_ORIGIN, method: 'PUT' });
      expect(result.outcome).toBe('readable');
    } finally {
      await server.close();
    }
  });
});

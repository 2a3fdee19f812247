import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli/run-cli.js';
import { checkCors, formatHtml, formatText } from './index.js';
import { reportRows } from './report/rows.js';
import { APP_ORIGIN, OTHER_ORIGIN, nodeListener, serve } from './test-support/servers.js';

const POLICY = { origin: [APP_ORIGIN], allowedHeaders: ['Content-Type'] };

describe('reports', () => {
  it('puts failed rows first in the HTML report, escapes server values, and loads nothing external', async () => {
    const result = await checkCors(nodeListener(POLICY), { policy: POLICY, url: '/hello' });
    const rows = reportRows(result);
    const firstPass = rows.findIndex((row) => row.ok);
    expect(rows.slice(firstPass).every((row) => row.ok)).toBe(true);
    const hostile = await checkCors(
      {
        fetch: () =>
          new Response('x', {
            headers: { 'Access-Control-Allow-Origin': '<script>alert(1)</script>' },
          }),
      },
      { origin: APP_ORIGIN },
    );
    const html = formatHtml(hostile);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
    expect(html).not.toMatch(/(src|href)=/);
  });

  it('colours text only when asked (on a TTY)', async () => {
    const result = await checkCors(nodeListener(POLICY), { url: '/hello', origin: OTHER_ORIGIN });
    expect(formatText(result)).not.toContain('\u001b[');
    expect(formatText(result, { colour: true })).toContain('\u001b[31m');
  });

  it('prints JSON with --json and writes --html', async () => {
    const server = await serve(nodeListener(POLICY));
    try {
      let out = '';
      const io = {
        stdout: { write: (text: string) => (out += text) },
        stderr: { write: () => true },
      };
      const code = await runCli(
        [
          `${server.url}/hello`,
          '--origin',
          APP_ORIGIN,
          '--method',
          'PUT',
          '--header',
          'Content-Type: application/json',
          '--json',
        ],
        io,
      );
      expect(code).toBe(0);
      const parsed = JSON.parse(out) as { ok: boolean; steps: Array<{ kind: string }> };
      expect(parsed.ok).toBe(true);
      expect(parsed.steps.map((step) => step.kind)).toEqual(['preflight', 'actual']);
    } finally {
      await server.close();
    }
  });

  it('writes the HTML report with --html', async () => {
    const server = await serve(nodeListener(POLICY));
    const dir = await mkdtemp(join(tmpdir(), 'cors-doctor-html-'));
    try {
      let out = '';
      const io = {
        stdout: { write: (text: string) => (out += text) },
        stderr: { write: () => true },
      };
      const file = join(dir, 'report.html');
      const code = await runCli(
        [`${server.url}/hello`, '--origin', OTHER_ORIGIN, '--html', file],
        io,
      );
      expect(code).toBe(1);
      expect(out).toContain(`HTML report: ${file}`);
      const html = await readFile(file, 'utf8');
      expect(html).toMatch(/<tr class="failed" data-verdict="fail">/);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 with the usage for a missing origin or a bad one', async () => {
    let err = '';
    const io = {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (err += text) },
    };
    expect(await runCli(['https://api.example.com/'], io)).toBe(2);
    expect(err).toContain('--origin is required');
    expect(
      await runCli(['https://api.example.com/', '--origin', 'https://app.example.com/'], io),
    ).toBe(2);
    expect(err).toContain('did you mean https://app.example.com?');
  });
});

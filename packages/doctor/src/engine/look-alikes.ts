/** An origin that only looks like the allowed one, and why a server might let it in. */
export interface LookAlikeOrigin {
  readonly origin: string;
  readonly kind: 'random' | 'null' | 'suffix' | 'prefix' | 'parent-prefix' | 'scheme' | 'port';
  readonly description: string;
}

/** A random label, so no server can have it on an allowlist. */
export function randomLabel(): string {
  return Math.random().toString(36).slice(2, 10).padEnd(8, '0');
}

/**
 * The origins an attacker would try against an allowlist holding `origin`: a random one,
 * `null`, the host as a prefix or suffix of another host, and the other scheme. The ones a
 * careless string or RegExp match lets through.
 */
export function lookAlikeOrigins(origin: string): LookAlikeOrigin[] {
  const probes: LookAlikeOrigin[] = [
    {
      origin: `https://${randomLabel()}.attacker.test`,
      kind: 'random',
      description: 'a random origin',
    },
    {
      origin: 'null',
      kind: 'null',
      description: 'the opaque origin `null` (sandboxed iframes, file: pages)',
    },
  ];
  if (origin === 'null') return probes;
  const url = new URL(origin);
  const port = url.port === '' ? '' : `:${url.port}`;
  const host = url.hostname;
  probes.push(
    {
      origin: `${url.protocol}//${host}.evil.test${port}`,
      kind: 'suffix',
      description: `the allowed host as a prefix of an attacker's domain (${host}.evil.test)`,
    },
    {
      origin: `${url.protocol}//evil${host}${port}`,
      kind: 'prefix',
      description: `an attacker's host ending in the allowed host (evil${host})`,
    },
  );
  const labels = host.split('.');
  if (labels.length >= 3 && !/^\d+$/.test(labels.at(-1) ?? '')) {
    const parent = labels.slice(1).join('.');
    probes.push({
      origin: `${url.protocol}//evil${parent}${port}`,
      kind: 'parent-prefix',
      description: `an attacker's domain ending in the parent domain (evil${parent})`,
    });
  }
  if (url.protocol === 'https:') {
    probes.push({
      origin: `http://${host}${port}`,
      kind: 'scheme',
      description: 'the same host over plain http:// (anyone on the network can be it)',
    });
  }
  return probes;
}

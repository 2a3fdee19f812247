import { describe, expect, it } from 'vitest';
import { NodeCorsRequest, type NodeRequestHeaders } from './index.js';

describe('NodeCorsRequest', () => {
  it.each<[string, NodeRequestHeaders, Record<string, string | undefined>]>([
    ['absent headers as undefined', {}, {}],
    [
      'each header by its lowercase name',
      {
        origin: 'https://app.example.com',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'x-id',
        'access-control-request-private-network': 'true',
      },
      {
        origin: 'https://app.example.com',
        requestMethod: 'PUT',
        requestHeaders: 'x-id',
        requestPrivateNetwork: 'true',
      },
    ],
    [
      'a header Node kept as a list joined with ", " (the core refuses such an Origin)',
      { origin: ['https://a.example', 'https://b.example'] },
      { origin: 'https://a.example, https://b.example' },
    ],
  ])('reads %s', (_name, headers, expected) => {
    const request = new NodeCorsRequest('OPTIONS', headers, 'req', '/items/1');
    expect({
      origin: request.origin,
      requestMethod: request.requestMethod,
      requestHeaders: request.requestHeaders,
      requestPrivateNetwork: request.requestPrivateNetwork,
    }).toEqual({
      origin: undefined,
      requestMethod: undefined,
      requestHeaders: undefined,
      requestPrivateNetwork: undefined,
      ...expected,
    });
    expect([request.method, request.request, request.url]).toEqual(['OPTIONS', 'req', '/items/1']);
  });
});

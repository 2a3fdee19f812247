import corsPackage from 'cors';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerRoute, nodeApp, type Framework, importAdapter } from './app.js';
import { corsPackageOptions, ourOptions } from './incumbent-options.js';

/** Plain `node:http`: the `cors` package called with a `next`, and `@cors/node` as a function. */
export const nodeFramework: Framework = {
  name: 'node',
  incumbent: 'cors',
  adapter: '@cors/node',
  hasFloor: true,
  async create(variant, policy) {
    if (variant === 'bare') return nodeApp(answerRoute);
    if (variant === 'incumbent') {
      const middleware = corsPackage(corsPackageOptions(policy));
      return nodeApp((req, res) => middleware(req, res, () => answerRoute(req, res)));
    }
    const { cors } = await importAdapter('@cors/node', () => import('@cors/node'), variant);
    const handleCors = cors(ourOptions(policy));
    return nodeApp((req: IncomingMessage, res: ServerResponse) => {
      // `true`: an answered preflight, already ended. A promise only with an async origin function.
      const ended = handleCors(req, res);
      if (ended === false) answerRoute(req, res);
      else if (ended !== true) void ended.then((done) => done || answerRoute(req, res));
    });
  },
};

import corsPackage from 'cors';
import express, { type RequestHandler } from 'express';
import { ROUTE_BODY, nodeApp, type Framework, importAdapter } from './app.js';
import { corsPackageOptions, ourOptions } from './incumbent-options.js';

/** Express 5 with its defaults: `app.use(cors(...))` before one `app.all('/')` route. */
export const expressFramework: Framework = {
  name: 'express',
  incumbent: 'cors',
  adapter: '@cors/node',
  hasFloor: true,
  async create(variant, policy) {
    const app = express();
    if (variant === 'incumbent') app.use(corsPackage(corsPackageOptions(policy)));
    if (variant === 'ours' || variant === 'floor') {
      const { cors } = await importAdapter('@cors/node', () => import('@cors/node'), variant);
      app.use(cors(ourOptions(policy)) as RequestHandler);
    }
    app.all('/', (_req, res) => {
      res.send(ROUTE_BODY);
    });
    return nodeApp(app);
  },
};

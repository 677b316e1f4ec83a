/**
 * The GraphQL servers the plugin tests run on, each behind a Canon HTTP adapter:
 * GraphQL Yoga on node:http (`canonNode`) with `useCanon`, and Apollo Server 5 on
 * Express 5 (`canonExpress` + `@as-integrations/express5`) with `canonApollo`.
 */
import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { createSchema, createYoga } from 'graphql-yoga';
import { canonExpress } from '../../../src/frameworks/express/index.js';
import { canonNode } from '../../../src/frameworks/node/index.js';
import { type CanonGraphQLOptions, canonApollo, useCanon } from '../../../src/integrations/graphql/index.js';
import type { Canon } from '../../../src/index.js';
import { listen } from '../../helpers/http.js';
import { resolvers, typeDefs } from './schema.js';

export interface GraphQLApp {
  /** The GraphQL endpoint. */
  url: string;
  close(): Promise<void>;
}

export interface GraphQLServerEntry {
  name: string;
  /** The HTTP adapter reports a route of its own (`/graphql`) when the plugin leaves it alone. */
  httpRoute: string | undefined;
  start(canon: Canon, options?: CanonGraphQLOptions): Promise<GraphQLApp>;
}

export const yogaEntry: GraphQLServerEntry = {
  name: 'GraphQL Yoga on canonNode',
  httpRoute: undefined,
  async start(canon, options) {
    const yoga = createYoga({
      schema: createSchema({ typeDefs, resolvers }),
      plugins: [useCanon(options)],
      logging: false,
    });
    const app = await listen(http.createServer(canonNode(canon, yoga)));
    return { url: `${app.url}/graphql`, close: app.close };
  },
};

export const apolloEntry: GraphQLServerEntry = {
  name: 'Apollo Server 5 on canonExpress',
  httpRoute: '/graphql',
  async start(canon, options) {
    const server = new ApolloServer({ typeDefs, resolvers, plugins: [canonApollo(options)] });
    await server.start();
    const app = express();
    app.use(canonExpress(canon));
    app.post('/graphql', express.json(), expressMiddleware(server));
    const served = await listen(http.createServer(app));
    return {
      url: `${served.url}/graphql`,
      async close() {
        await served.close();
        await server.stop();
      },
    };
  },
};

/**
 * @module canon/graphql/apollo
 * `canonApollo(options?)`: an Apollo Server (4 and 5) plugin that records each operation
 * on the wide event of the HTTP request it runs in, the unit a Canon adapter started
 * (`canonExpress` before `expressMiddleware(server)`, `canonFastify`...). Outside a unit
 * (`startStandaloneServer` without an adapter) it does nothing.
 */
import type { DocumentNode, GraphQLError, GraphQLResolveInfo } from 'graphql';
import { getWideEvent } from '../../core/context.js';
import type { WideEvent } from '../../core/event.js';
import { type CanonGraphQLOptions, type GraphQLSettings, graphqlSettings } from './options.js';
import { recordErrors, recordOperation } from './operation.js';
import { ResolverRecorder } from './resolvers.js';

/** What the plugin's request listener reads of Apollo's request context. */
interface ResolvedOperationContext {
  document: DocumentNode;
  operationName?: string | null;
  request: { variables?: unknown };
}

/** Apollo's per-request listener, as far as the plugin implements it. */
export interface CanonApolloRequestListener {
  didResolveOperation(requestContext: ResolvedOperationContext): Promise<void>;
  didEncounterErrors(requestContext: { errors: readonly GraphQLError[] }): Promise<void>;
  executionDidStart(): Promise<{ willResolveField(params: { info: GraphQLResolveInfo }): () => void } | void>;
}

/** The plugin `canonApollo` returns (assignable to Apollo Server's `ApolloServerPlugin`). */
export interface CanonApolloPlugin {
  requestDidStart(requestContext: unknown): Promise<CanonApolloRequestListener | void>;
}

function listener(unit: WideEvent, settings: GraphQLSettings): CanonApolloRequestListener {
  return {
    async didResolveOperation({ document, operationName, request }) {
      recordOperation(unit, settings, document, operationName, request.variables);
    },
    async didEncounterErrors({ errors }) {
      recordErrors(unit, errors);
    },
    async executionDidStart() {
      if (settings.resolvers === 'off') return;
      const recorder = new ResolverRecorder(unit, settings);
      return {
        willResolveField({ info }) {
          const startedAt = performance.now();
          return () => recorder.done(info, startedAt);
        },
      };
    },
  };
}

/**
 * The Apollo Server plugin. Invalid options throw a `CanonOptionError` naming the option.
 *
 * @example
 * import express from 'express';
 * import { ApolloServer } from '@apollo/server';
 * import { expressMiddleware } from '@as-integrations/express5';
 * import { createCanon } from 'canon';
 * import { canonExpress } from 'canon/express';
 * import { canonApollo } from 'canon/graphql';
 *
 * const server = new ApolloServer({ typeDefs, resolvers, plugins: [canonApollo()] });
 * await server.start();
 * const app = express();
 * app.use(canonExpress(createCanon({ service: 'api' })));
 * app.use('/graphql', express.json(), expressMiddleware(server));
 */
export function canonApollo(options?: CanonGraphQLOptions): CanonApolloPlugin {
  const settings = graphqlSettings('canonApollo', options);
  return {
    async requestDidStart() {
      const unit = getWideEvent();
      return unit === undefined ? undefined : listener(unit, settings);
    },
  };
}

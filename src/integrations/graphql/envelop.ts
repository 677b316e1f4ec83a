/**
 * @module canon/graphql/envelop
 * `useCanon(options?)`: an Envelop plugin (GraphQL Yoga, or any `envelop()` setup) that
 * records each operation on the wide event of the HTTP request it runs in: the unit a
 * Canon adapter started (`canonNode`, `canonFastify`, `canonExpress`, `canonHono`...).
 * Outside a unit it does nothing. Syntax and validation errors are counted as well.
 */
import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { defaultFieldResolver } from 'graphql';
import { getWideEvent } from '../../core/context.js';
import { type CanonGraphQLOptions, graphqlSettings } from './options.js';
import { recordErrors, recordOperation } from './operation.js';
import { recorders, ResolverRecorder, wrapResolvers } from './resolvers.js';

/** The execution arguments the plugin reads. */
interface ExecutionArgsLike {
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: unknown;
  contextValue?: unknown;
}

/** The Envelop plugin `useCanon` returns (assignable to Envelop's and Yoga's `Plugin`). */
export interface CanonEnvelopPlugin {
  onSchemaChange(payload: { schema: GraphQLSchema }): void;
  onParse(): (payload: { result: unknown }) => void;
  onValidate(): (payload: { valid: boolean; result: readonly GraphQLError[] }) => void;
  onExecute(payload: { args: ExecutionArgsLike }): { onExecuteDone(payload: { result: unknown }): void } | undefined;
  onSubscribe(payload: { args: ExecutionArgsLike }): void;
}

function resultErrors(result: unknown): readonly GraphQLError[] | undefined {
  if (typeof result !== 'object' || result === null || Symbol.asyncIterator in result) return undefined;
  return (result as { errors?: readonly GraphQLError[] }).errors ?? [];
}

/**
 * The Envelop plugin. Invalid options throw a `CanonOptionError` naming the option.
 *
 * @example
 * import http from 'node:http';
 * import { createYoga, createSchema } from 'graphql-yoga';
 * import { createCanon } from 'canon';
 * import { canonNode } from 'canon/node';
 * import { useCanon } from 'canon/graphql';
 *
 * const yoga = createYoga({ schema, plugins: [useCanon({ variables: ['id'] })] });
 * http.createServer(canonNode(createCanon({ service: 'api' }), yoga)).listen(4000);
 */
export function useCanon(options?: CanonGraphQLOptions): CanonEnvelopPlugin {
  const settings = graphqlSettings('useCanon', options);
  const timing = settings.resolvers !== 'off';
  return {
    onSchemaChange({ schema }) {
      if (timing) wrapResolvers(schema, defaultFieldResolver as never);
    },
    onParse() {
      const unit = getWideEvent();
      return function canonAfterParse({ result }) {
        if (unit && result instanceof Error) recordErrors(unit, [result as GraphQLError]);
      };
    },
    onValidate() {
      const unit = getWideEvent();
      return function canonAfterValidate({ valid, result }) {
        if (unit && !valid) recordErrors(unit, result);
      };
    },
    onExecute({ args }) {
      const unit = getWideEvent();
      if (unit === undefined) return undefined;
      recordOperation(unit, settings, args.document, args.operationName, args.variableValues);
      const context = args.contextValue;
      if (timing && typeof context === 'object' && context !== null) {
        recorders.set(context, new ResolverRecorder(unit, settings));
      }
      return {
        onExecuteDone({ result }) {
          const errors = resultErrors(result);
          if (errors !== undefined) recordErrors(unit, errors);
        },
      };
    },
    onSubscribe({ args }) {
      const unit = getWideEvent();
      if (unit !== undefined) recordOperation(unit, settings, args.document, args.operationName, args.variableValues);
    },
  };
}

/**
 * @module canon/graphql/options
 * The options `useCanon` and `canonApollo` share, validated once when the plugin is
 * created: a mistake throws a `CanonOptionError` naming it.
 */
import { describe, invalidOption } from '../../core/errors.js';
import { integerOption, rejectUnknownOptions } from '../../core/option-checks.js';
import { isPlainObject, splitPath } from '../../core/paths.js';

/** The operation a request ran, as the `route` option sees it. */
export interface GraphQLOperationInfo {
  /** `query`, `mutation` or `subscription`. */
  type: string;
  /** The operation's name; undefined for an anonymous operation. */
  name: string | undefined;
}

/** Options of `useCanon` and `canonApollo`. */
export interface CanonGraphQLOptions {
  /**
   * The event's `route` for an operation: default `graphql:<type> <name>`
   * (`graphql:query GetUser`, `graphql:query` when anonymous); a function to spell it
   * otherwise (return undefined to keep the HTTP route), or `false` to leave `route` alone.
   */
  route?: false | ((operation: GraphQLOperationInfo) => string | undefined);
  /**
   * Variables to record under `graphql.variables`, as dot-paths into the variables
   * (`'id'`, `'input.email'`). None by default. They go through redaction like any field.
   */
  variables?: string[];
  /** Record resolver timings under `graphql.resolvers`: only slow ones, or all. Off by default. */
  resolvers?: 'slow' | 'all';
  /** With `resolvers: 'slow'`, the duration from which a resolver is listed (default 100 ms). */
  slowResolverMs?: number;
  /** The most resolvers listed (default 20); `graphql.resolvers_dropped` counts the rest. */
  maxResolvers?: number;
}

/** @internal The validated options. */
export interface GraphQLSettings {
  route: CanonGraphQLOptions['route'] | undefined;
  variables: (readonly string[])[];
  resolvers: 'off' | 'slow' | 'all';
  slowResolverMs: number;
  maxResolvers: number;
}

const KNOWN = ['route', 'variables', 'resolvers', 'slowResolverMs', 'maxResolvers'];

/**
 * @internal Validates the plugin options; `plugin` names the factory in messages.
 *
 * @example
 * const settings = graphqlSettings('useCanon', { variables: ['id'] });
 */
export function graphqlSettings(plugin: string, options: unknown): GraphQLSettings {
  if (options === undefined) options = {};
  if (!isPlainObject(options)) throw invalidOption(`${plugin}(options)`, `expected an object, got ${describe(options)}`);
  rejectUnknownOptions(options, KNOWN);
  const { route, variables = [], resolvers } = options;
  if (route !== undefined && route !== false && typeof route !== 'function') {
    throw invalidOption('route', `expected false or (operation) => string, got ${describe(route)}`);
  }
  if (!Array.isArray(variables)) throw invalidOption('variables', `expected an array of paths, got ${describe(variables)}`);
  const paths = variables.map((path, i) => {
    const parts = splitPath(path as string);
    if (!parts) throw invalidOption(`variables[${i}]`, `expected a dot-path like 'input.email', got ${describe(path)}`);
    return parts;
  });
  if (resolvers !== undefined && resolvers !== 'slow' && resolvers !== 'all') {
    throw invalidOption('resolvers', `expected 'slow' or 'all', got ${describe(resolvers)}`);
  }
  return {
    route: route as GraphQLSettings['route'],
    variables: paths,
    resolvers: resolvers ?? 'off',
    slowResolverMs: integerOption(options.slowResolverMs, 'slowResolverMs', 100, { min: 0 }),
    maxResolvers: integerOption(options.maxResolvers, 'maxResolvers', 20, { min: 1, max: 1000 }),
  };
}

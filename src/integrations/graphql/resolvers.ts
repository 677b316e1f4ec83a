/**
 * @module canon/graphql/resolvers
 * Resolver timings, when asked for (`resolvers: 'slow' | 'all'`): a capped list
 * `graphql.resolvers: [{ field: 'User.orders', path: 'user.orders', duration_ms }]` in
 * the order resolvers finish, and `graphql.resolvers_dropped` for those past the cap.
 * Apollo reports each resolver through its `willResolveField` hook; for Envelop the
 * schema's resolvers are wrapped once (the timing applies only to executions a
 * recorder was registered for). A hand-written wrapper rather than
 * `@envelop/on-resolve`: `canon/graphql` serves Apollo users too, who would otherwise
 * have to install an Envelop package.
 */
import type { GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import type { WideEvent } from '../../core/event.js';
import { roundMs } from '../../core/event.js';
import type { GraphQLSettings } from './options.js';

function pathOf(info: GraphQLResolveInfo): string {
  const keys: (string | number)[] = [];
  for (let node: GraphQLResolveInfo['path'] | undefined = info.path; node; node = node.prev) keys.push(node.key);
  return keys.reverse().join('.');
}

/** @internal Collects the resolver timings of one request on its event. */
export class ResolverRecorder {
  private listed = 0;

  constructor(
    private readonly unit: WideEvent,
    private readonly settings: GraphQLSettings,
  ) {}

  /** Records one resolver that started at `startedAt` (performance.now()) and just finished. */
  done(info: GraphQLResolveInfo, startedAt: number): void {
    const duration = roundMs(performance.now() - startedAt);
    const { unit, settings } = this;
    if (unit.emitted || (settings.resolvers === 'slow' && duration < settings.slowResolverMs)) return;
    if (this.listed >= settings.maxResolvers) {
      unit.count('graphql.resolvers_dropped');
      return;
    }
    if (this.listed === 0) unit.set('graphql.resolvers', []);
    (unit.get('graphql.resolvers') as unknown[]).push({
      field: `${info.parentType.name}.${info.fieldName}`,
      path: pathOf(info),
      duration_ms: duration,
    });
    this.listed++;
  }
}

/** Recorders by execution context value (Envelop's `args.contextValue`). */
export const recorders = new WeakMap<object, ResolverRecorder>();
const kTimed = Symbol.for('canon.graphql.timed');

type Resolver = (source: unknown, args: unknown, context: unknown, info: GraphQLResolveInfo) => unknown;

function timed(resolve: Resolver): Resolver {
  const wrapped = function canonTimedResolver(this: unknown, source, args, context, info) {
    const recorder = typeof context === 'object' && context !== null ? recorders.get(context) : undefined;
    if (recorder === undefined) return resolve.call(this, source, args, context, info);
    const startedAt = performance.now();
    let result: unknown;
    try {
      result = resolve.call(this, source, args, context, info);
    } catch (err) {
      recorder.done(info, startedAt);
      throw err;
    }
    if (result instanceof Promise) {
      return result.finally(() => recorder.done(info, startedAt));
    }
    recorder.done(info, startedAt);
    return result;
  } as Resolver & { [kTimed]?: true };
  wrapped[kTimed] = true;
  return wrapped;
}

/**
 * An object type, told by its tag rather than `instanceof`: the schema may come from
 * another copy of `graphql` (its CommonJS build, loaded by the server's own packages).
 */
function isObjectType(type: unknown): type is GraphQLObjectType {
  return (type as { [Symbol.toStringTag]?: unknown } | null)?.[Symbol.toStringTag] === 'GraphQLObjectType';
}

/**
 * @internal Wraps every field resolver of `schema` once (fields without one get the
 * default resolver's behaviour through `defaultResolve`).
 *
 * @example
 * wrapResolvers(schema, defaultFieldResolver);
 */
export function wrapResolvers(schema: GraphQLSchema, defaultResolve: Resolver): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = (field.resolve ?? defaultResolve) as Resolver & { [kTimed]?: true };
      if (!resolve[kTimed]) field.resolve = timed(resolve) as typeof field.resolve;
    }
  }
}

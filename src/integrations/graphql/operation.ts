/**
 * @module canon/graphql/operation
 * What both plugins record on the request's event, from the parsed document and the
 * result: `graphql.operation_name`, `graphql.operation_type`, `graphql.document_hash`
 * (first 16 hex digits of the SHA-256 of the printed document, so whitespace and
 * comments do not matter; computed once per document object), `graphql.fields` (the
 * top-level fields, through fragments), the listed `graphql.variables`, `route`, and
 * `graphql.error_count` / `graphql.error_codes` (each error's `extensions.code`).
 *
 * An error is marked on the event (outcome `error`) only when it wraps an unexpected
 * exception (an `originalError` that is not itself a GraphQL error: what Apollo reports
 * as `INTERNAL_SERVER_ERROR` and Yoga masks as "Unexpected error."). Errors raised on
 * purpose (`GraphQLError` with a code, validation and syntax errors) are counted only.
 */
import { createHash } from 'node:crypto';
import type { DocumentNode, FragmentDefinitionNode, GraphQLError, OperationDefinitionNode, SelectionSetNode } from 'graphql';
import { Kind, print } from 'graphql';
import type { WideEvent } from '../../core/event.js';
import { type Fields, getAt, isPlainObject, setAt } from '../../core/paths.js';
import type { GraphQLSettings } from './options.js';

const MAX_FIELDS = 20;
const MAX_CODES = 10;
const hashes = new WeakMap<DocumentNode, string>();

/**
 * The document's hash, cached per document object (servers cache parsed documents).
 *
 * @example
 * documentHash(parse('{ user { id } }')) // 'b70558599d04c59d'
 */
export function documentHash(document: DocumentNode): string {
  let hash = hashes.get(document);
  if (hash === undefined) {
    hash = createHash('sha256').update(print(document)).digest('hex').slice(0, 16);
    hashes.set(document, hash);
  }
  return hash;
}

/**
 * The operation `operationName` selects (the only one when it is not given).
 *
 * @example
 * selectOperation(parse('query A { a } query B { b }'), 'B')?.name?.value // 'B'
 */
export function selectOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
): OperationDefinitionNode | undefined {
  let found: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName == null) {
      if (found) return undefined; // several operations and no name: GraphQL refuses it
      found = definition;
    } else if (definition.name?.value === operationName) return definition;
  }
  return found;
}

function collectFields(
  set: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  into: Set<string>,
  seen: Set<string>,
): void {
  for (const selection of set.selections) {
    if (into.size >= MAX_FIELDS) return;
    if (selection.kind === Kind.FIELD) into.add(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collectFields(selection.selectionSet, fragments, into, seen);
    else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (fragment && !seen.has(name)) {
        seen.add(name);
        collectFields(fragment.selectionSet, fragments, into, seen);
      }
    }
  }
}

/**
 * The top-level field names of `operation` (aliases resolved to field names, fragments followed).
 *
 * @example
 * topLevelFields(document, operation) // ['user', 'orders'] for `{ me: user { id } ...F }`
 */
export function topLevelFields(document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fields = new Set<string>();
  collectFields(operation.selectionSet, fragments, fields, new Set());
  return [...fields];
}

function routeFor(settings: GraphQLSettings, type: string, name: string | undefined): string | undefined {
  const route = settings.route;
  if (route === false) return undefined;
  if (route === undefined) return name ? `graphql:${type} ${name}` : `graphql:${type}`;
  try {
    return route({ type, name });
  } catch {
    return undefined; // the route is a nice-to-have; never fail a request over it
  }
}

function pickVariables(settings: GraphQLSettings, variables: unknown): Fields | undefined {
  if (settings.variables.length === 0 || !isPlainObject(variables)) return undefined;
  const picked: Fields = {};
  for (const parts of settings.variables) {
    const value = getAt(variables, parts);
    if (value !== undefined) setAt(picked, parts, value);
  }
  return picked;
}

/**
 * @internal Records the operation a request runs on its event. Never throws.
 *
 * @example
 * recordOperation(unit, settings, args.document, args.operationName, args.variableValues);
 */
export function recordOperation(
  unit: WideEvent,
  settings: GraphQLSettings,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: unknown,
): void {
  try {
    const operation = selectOperation(document, operationName);
    if (operation === undefined) return;
    const name = operation.name?.value;
    const graphql: Fields = {
      operation_name: name,
      operation_type: operation.operation,
      document_hash: documentHash(document),
      fields: topLevelFields(document, operation),
    };
    if (unit.get('graphql.error_count') === undefined) graphql.error_count = 0;
    const picked = pickVariables(settings, variables);
    if (picked !== undefined) graphql.variables = picked;
    unit.enrich({ graphql });
    const route = routeFor(settings, operation.operation, name);
    if (route !== undefined) unit.set('route', route);
  } catch {
    // a document the server accepted but this code cannot read: record nothing
  }
}

/** An error that wraps an exception nobody turned into a GraphQL error on purpose. */
function unexpected(error: GraphQLError): unknown {
  const original = (error as { originalError?: unknown }).originalError;
  if (original === undefined || original === null || typeof original !== 'object') return undefined;
  const graphqlLike = 'extensions' in original && 'path' in original && 'locations' in original;
  return graphqlLike ? undefined : original;
}

/**
 * @internal Adds `errors` to the event's error count and codes; marks the first unexpected one.
 *
 * @example
 * recordErrors(unit, result.errors ?? []);
 */
export function recordErrors(unit: WideEvent, errors: readonly GraphQLError[] | undefined): void {
  if (unit.emitted) return;
  try {
    const list = errors ?? [];
    unit.count('graphql.error_count', list.length);
    if (list.length === 0) return;
    const codes = new Set(Array.isArray(unit.get('graphql.error_codes')) ? (unit.get('graphql.error_codes') as string[]) : []);
    for (const error of list) {
      const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
      if (typeof code === 'string' && codes.size < MAX_CODES) codes.add(code);
      const original = unexpected(error);
      if (original !== undefined && !unit.errorMarked) unit.markError(original, { path: error.path?.join('.') });
    }
    if (codes.size > 0) unit.set('graphql.error_codes', [...codes]);
  } catch {
    // counting errors must never fail the request
  }
}

/**
 * @module canon/validate
 * Validates the redacted event against any Standard Schema v1 (zod 4, valibot, arktype),
 * sync or async. Produces `schema_errors: [{ path, message }]`; the schema's output is
 * never emitted (schemas that strip unknown keys must not strip the event).
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { describe, invalidOption } from '../core/errors.js';
import type { Fields } from '../core/paths.js';

export interface SchemaError {
  path: string;
  message: string;
}

export type Validator = (event: Fields) => SchemaError[] | Promise<SchemaError[]>;

function pathOf(issue: StandardSchemaV1.Issue): string {
  if (!issue.path) return '';
  return issue.path
    .map((segment) => String(typeof segment === 'object' && segment !== null ? segment.key : segment))
    .join('.');
}

function toErrors(result: StandardSchemaV1.Result<unknown>): SchemaError[] {
  if (!result.issues) return [];
  return result.issues.map((issue) => ({ path: pathOf(issue), message: issue.message }));
}

function thrown(err: unknown): SchemaError[] {
  return [{ path: '', message: `schema threw: ${err instanceof Error ? err.message : String(err)}` }];
}

/**
 * Checks `schema` is a Standard Schema and returns the validation stage.
 *
 * @example
 * const validate = createValidator(z.object({ user: z.object({ id: z.string() }) }))!;
 * await validate({ user: {} }) // [{ path: 'user.id', message: '...' }]
 */
export function createValidator(schema: unknown): Validator | undefined {
  if (schema === undefined) return undefined;
  const standard = (schema as StandardSchemaV1 | null)?.['~standard'];
  if (!standard || typeof standard.validate !== 'function') {
    throw invalidOption(
      'schema',
      `expected a Standard Schema (zod 4, valibot, arktype...), got ${describe(schema)}`,
    );
  }
  return (event) => {
    try {
      const result = standard.validate(event);
      return result instanceof Promise ? result.then(toErrors, thrown) : toErrors(result);
    } catch (err) {
      return thrown(err);
    }
  };
}

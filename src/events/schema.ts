/**
 * @module canon/events/schema
 * Validating event data against a definition's Standard Schema (zod 4, valibot, arktype).
 * Like `schema.parse` / `schema.parseAsync`, there is a sync path that refuses async
 * schemas with a clear error, and an async path that accepts both. The schema's output
 * (defaults applied, unknown keys stripped) becomes the event's data.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { CanonError, ErrorCodes } from '../core/errors.js';

/** One problem found by the schema. `path` is dot-joined (`items.0.sku`), '' for the root. */
export interface EventIssue {
  path: string;
  message: string;
}

function pathOf(issue: StandardSchemaV1.Issue): string {
  if (!issue.path) return '';
  return issue.path
    .map((segment) => String(typeof segment === 'object' && segment !== null ? segment.key : segment))
    .join('.');
}

function invalid(type: string, version: number, result: StandardSchemaV1.FailureResult): CanonError {
  const issues: EventIssue[] = result.issues.map((issue) => ({
    path: pathOf(issue),
    message: issue.message,
  }));
  const listed = issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ');
  return new CanonError(
    ErrorCodes.INVALID_EVENT,
    `canon: invalid data for event ${type} v${version}: ${listed}`,
    {
      type,
      version,
      issues,
    },
  );
}

/**
 * Validates `data` synchronously; returns the schema's output. Throws `CANON_INVALID_EVENT`
 * listing every issue's path, or `CANON_ASYNC_SCHEMA` when the schema is async.
 *
 * @example
 * validateSync(z.object({ id: z.string() }), { id: 1 }, 'order.placed', 1) // throws: id: Expected string…
 */
export function validateSync(
  schema: StandardSchemaV1 | undefined,
  data: unknown,
  type: string,
  version: number,
): unknown {
  if (!schema) return data;
  const result = schema['~standard'].validate(data);
  if (result instanceof Promise) {
    result.catch(() => {}); // nobody awaits it; keep it from becoming an unhandled rejection
    throw new CanonError(
      ErrorCodes.ASYNC_SCHEMA,
      `canon: the schema of event ${type} validates asynchronously; use the async variant (createEventAsync / readAsync)`,
      { type, version },
    );
  }
  if (result.issues) throw invalid(type, version, result);
  return result.value;
}

/**
 * Validates `data` with a sync or async schema; resolves to the schema's output.
 *
 * @example
 * await validateAsync(schema, data, 'order.placed', 2)
 */
export async function validateAsync(
  schema: StandardSchemaV1 | undefined,
  data: unknown,
  type: string,
  version: number,
): Promise<unknown> {
  if (!schema) return data;
  const result = await schema['~standard'].validate(data);
  if (result.issues) throw invalid(type, version, result);
  return result.value;
}

/**
 * @module canon/events/json-schema
 * Gets a JSON Schema out of a Standard Schema when the library exposes one (Standard JSON
 * Schema `~standard.jsonSchema`, as zod 4 does, or a `toJSONSchema()` method), and
 * renders it as a TypeScript-like type for the event catalog.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';

export type JsonSchema = Record<string, any>;

interface JsonSchemaSource {
  '~standard'?: { jsonSchema?: { output?: (options: { target: string }) => JsonSchema } };
  toJSONSchema?: () => JsonSchema;
}

/**
 * The schema's output JSON Schema, or undefined when it exposes none or cannot convert.
 *
 * @example
 * jsonSchemaOf(z.object({ id: z.string() }))?.properties // { id: { type: 'string' } }
 */
export function jsonSchemaOf(schema: StandardSchemaV1 | undefined): JsonSchema | undefined {
  const source = schema as JsonSchemaSource | undefined;
  try {
    const standard = source?.['~standard']?.jsonSchema;
    if (typeof standard?.output === 'function') return standard.output({ target: 'draft-2020-12' });
    if (typeof source?.toJSONSchema === 'function') return source.toJSONSchema();
  } catch {
    // some types (transforms, dates) have no JSON Schema: the catalog says so instead
  }
  return undefined;
}

const MAX_DEPTH = 8;

function literal(value: unknown): string {
  return typeof value === 'string' ? `'${value.replace(/'/g, "\\'")}'` : JSON.stringify(value);
}

function union(types: string[]): string {
  return [...new Set(types)].join(' | ') || 'unknown';
}

function objectType(schema: JsonSchema, indent: string, depth: number): string {
  const properties: Record<string, JsonSchema> = schema.properties ?? {};
  const required = new Set<string>(schema.required ?? []);
  const inner = `${indent}  `;
  const lines: string[] = [];
  for (const [name, property] of Object.entries(properties)) {
    if (typeof property?.description === 'string') lines.push(`${inner}/** ${property.description} */`);
    const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : literal(name);
    lines.push(`${inner}${key}${required.has(name) ? '' : '?'}: ${renderType(property, inner, depth + 1)};`);
  }
  const extra = schema.additionalProperties;
  if (extra && typeof extra === 'object')
    lines.push(`${inner}[key: string]: ${renderType(extra, inner, depth + 1)};`);
  if (lines.length === 0) return extra === false ? '{}' : 'Record<string, unknown>';
  return `{\n${lines.join('\n')}\n${indent}}`;
}

/**
 * Renders a JSON Schema as a TypeScript-like type (objects expanded over several lines).
 *
 * @example
 * renderType({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }, '')
 * // '{\n  id: string;\n}'
 */
export function renderType(schema: JsonSchema | boolean | undefined, indent: string, depth = 0): string {
  if (schema === true || schema === undefined) return 'unknown';
  if (schema === false) return 'never';
  if (depth > MAX_DEPTH) return 'unknown';
  if ('const' in schema) return literal(schema.const);
  if (Array.isArray(schema.enum)) return union(schema.enum.map(literal));
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(schema[key]))
      return union(schema[key].map((s: JsonSchema) => renderType(s, indent, depth + 1)));
  }
  if (Array.isArray(schema.allOf))
    return schema.allOf.map((s: JsonSchema) => renderType(s, indent, depth + 1)).join(' & ');
  if (Array.isArray(schema.type))
    return union(schema.type.map((type: string) => renderType({ ...schema, type }, indent, depth)));
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const item = renderType(schema.items, indent, depth + 1);
      return /^[\w']+$/.test(item) ? `${item}[]` : `Array<${item}>`;
    }
    case 'object':
      return objectType(schema, indent, depth);
    default:
      return schema.properties ? objectType(schema, indent, depth) : 'unknown';
  }
}

/**
 * @module canon/events/catalog
 * `eventCatalog(defs)`: a Markdown page documenting every event type (type, version,
 * description, envelope and data shape), following the catalog template of the eventing
 * guidelines, generated from the definitions so it never drifts from the code.
 */
import { describe, invalidOption } from '../core/errors.js';
import type { EventDefinition } from './define.js';
import { jsonSchemaOf, renderType } from './json-schema.js';

export interface EventCatalogOptions {
  /** Page title (default 'Event Catalog'). */
  title?: string;
}

function dataType(def: EventDefinition): string {
  if (!def.schema) return 'unknown; // no schema';
  const schema = jsonSchemaOf(def.schema);
  if (!schema) return `unknown; // the ${def.schema['~standard'].vendor} schema does not expose JSON Schema`;
  return `${renderType(schema, '  ')};`;
}

function section(def: EventDefinition): string {
  const lines = [`## ${def.type}`, ''];
  if (def.description) lines.push(`**Description**: ${def.description}`, '');
  const upcasts = Object.keys(def.upcast)
    .map(Number)
    .sort((a, b) => a - b);
  const older =
    upcasts.length > 0 ? ` (older versions read through upcasters from v${upcasts.join(', v')})` : '';
  lines.push(`**Version**: ${def.version}${older}`, '');
  lines.push(`**Schema (v${def.version})**:`, '');
  lines.push(
    '```typescript',
    '{',
    '  id: string; // UUIDv7',
    `  type: '${def.type}';`,
    `  version: ${def.version};`,
    '  timestamp: string; // ISO-8601',
    '  source: string;',
    '  correlation_id: string;',
    '  causation_id: string | null;',
    `  data: ${dataType(def)}`,
    '  metadata: { trace_id?: string; span_id?: string; [key: string]: unknown };',
    '}',
    '```',
    '',
  );
  return lines.join('\n');
}

/**
 * Renders the Markdown catalog of `defs`, sorted by type.
 *
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('docs/event-catalog.md', eventCatalog([OrderPlaced, OrderShipped]));
 */
export function eventCatalog(
  defs: readonly EventDefinition<string, any, any>[],
  options: EventCatalogOptions = {},
): string {
  if (!Array.isArray(defs))
    throw invalidOption('defs', `expected an array of event definitions, got ${describe(defs)}`);
  defs.forEach((def, i) => {
    if (typeof def?.type !== 'string' || typeof def.read !== 'function') {
      throw invalidOption(
        `defs[${i}]`,
        `expected an event definition from defineEvent(), got ${describe(def)}`,
      );
    }
  });
  const sorted = [...defs].sort((a, b) => a.type.localeCompare(b.type));
  const toc = sorted.map(
    (def) => `- [${def.type}](#${def.type.replace(/[^a-z0-9_]/g, '')}) (v${def.version})`,
  );
  return [`# ${options.title ?? 'Event Catalog'}`, '', ...toc, '', ...sorted.map(section)].join('\n');
}

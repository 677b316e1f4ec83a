/**
 * @module canon/events/catalog
 * `eventCatalog(defs)`: a Markdown page documenting every event type (type, version,
 * description, envelope and data shape), following the catalog template of the eventing
 * guidelines, generated from the definitions so it never drifts from the code. Given the
 * flow map observed in real traffic (`canon flows --json`, or `buildFlows(events)` of the
 * read side), it adds the Event Flow Diagram and each type's producers and consumers.
 */
import { describe, invalidOption } from '../core/errors.js';
import type { EventDefinition } from './define.js';
import type { EventFlow, FlowMap } from '../read/flows/collect.js';
import { flowsMermaid, flowTable } from '../read/flows/markdown.js';
import { jsonSchemaOf, renderType } from './json-schema.js';

export interface EventCatalogOptions {
  /** Page title (default 'Event Catalog'). */
  title?: string;
  /** The flow map observed in real traffic (`canon flows --json`), merged into the page. */
  flows?: FlowMap;
}

function dataType(def: EventDefinition): string {
  if (!def.schema) return 'unknown; // no schema';
  const schema = jsonSchemaOf(def.schema);
  if (!schema) return `unknown; // the ${def.schema['~standard'].vendor} schema does not expose JSON Schema`;
  return `${renderType(schema, '  ')};`;
}

function observed(flow: EventFlow | undefined): string[] {
  if (!flow) return [];
  return ['**Producers & consumers (observed)**:', '', flowTable(flow), ''];
}

function checkFlows(flows: unknown): FlowMap | undefined {
  if (flows === undefined) return undefined;
  const types = (flows as FlowMap | null)?.types;
  if (!Array.isArray(types) || types.some((flow) => typeof flow?.type !== 'string' || !Array.isArray(flow.producers))) {
    throw invalidOption('flows', `expected the flow map of \`canon flows --json\` or buildFlows(events), got ${describe(flows)}`);
  }
  return flows as FlowMap;
}

function section(def: EventDefinition, flow?: EventFlow): string {
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
    ...observed(flow),
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
  const flows = checkFlows(options.flows);
  const byType = new Map(flows?.types.map((flow) => [flow.type, flow]));
  const sorted = [...defs].sort((a, b) => a.type.localeCompare(b.type));
  const toc = sorted.map(
    (def) => `- [${def.type}](#${def.type.replace(/[^a-z0-9_]/g, '')}) (v${def.version})`,
  );
  const page = [`# ${options.title ?? 'Event Catalog'}`, '', ...toc, ''];
  if (flows && flows.types.length > 0) {
    page.push('## Event Flow Diagram', '', `Observed in ${flows.events} events.`, '', '```mermaid', flowsMermaid(flows), '```', '');
  }
  page.push(...sorted.map((def) => section(def, byType.get(def.type))));
  const defined = new Set(defs.map((def) => def.type));
  const undefinedFlows = flows?.types.filter((flow) => !defined.has(flow.type)) ?? [];
  if (undefinedFlows.length > 0) {
    page.push('## Observed but not defined', '');
    for (const flow of undefinedFlows) page.push(`### ${flow.type}`, '', flowTable(flow), '');
  }
  return page.join('\n');
}

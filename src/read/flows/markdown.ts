/**
 * @module canon/read/flows/markdown
 * A flow map as Markdown: a Mermaid `flowchart` (producers → event type → relays,
 * consumers and webhook endpoints, edges labelled with counts and error rates; a
 * consumer that publishes further events is one node between both types), a
 * "Producers & consumers" table, and one table per event type. `eventCatalog(defs,
 * { flows })` reuses the diagram and the per-type tables.
 */
import type { EventFlow, FlowEdge, FlowMap } from './collect.js';

/** Escapes text for a quoted Mermaid label. */
function label(text: string): string {
  return text.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

/**
 * The share of an edge's units that failed: `12.5%`, `0%`, `100%`.
 *
 * @example
 * errorRate({ name: 'billing', kind: 'message', count: 8, errors: 1 }) // '12.5%'
 */
export function errorRate(edge: FlowEdge): string {
  if (edge.errors === 0) return '0%';
  const rate = (edge.errors / edge.count) * 100;
  return `${rate >= 10 ? Math.round(rate) : rate.toFixed(1)}%`;
}

function edgeLabel(edge: FlowEdge): string {
  return edge.errors > 0 ? `${edge.count} · ${errorRate(edge)} err` : String(edge.count);
}

function edgeName(edge: FlowEdge): string {
  return edge.detail ? `${edge.name} (${edge.detail})` : edge.name;
}

/** A unit's node: shaped and named by its kind, so a consumer that also produces is one node. */
function node(edge: FlowEdge): { key: string; declare: (id: string) => string } {
  const note = edge.kind === 'message' ? 'consumer ' : edge.kind === 'webhook' ? 'webhook ' : edge.kind === 'outbox' ? 'outbox → ' : '';
  const text = label(`${note}${edgeName(edge)}`) + (edge.service ? `<br/>${label(edge.service)}` : '');
  const key = `${edge.kind}\u0000${edge.service}\u0000${edge.name}\u0000${edge.detail}`;
  if (edge.kind === 'message') return { key, declare: (id) => `${id}[["${text}"]]` };
  if (edge.kind === 'webhook') return { key, declare: (id) => `${id}{{"${text}"}}` };
  if (edge.kind === 'outbox') return { key, declare: (id) => `${id}[/"${text}"/]` };
  return { key, declare: (id) => `${id}["${text}"]` };
}

/**
 * The Mermaid `flowchart LR` source of `map` (without the code fence).
 *
 * @example
 * flowsMermaid(buildFlows(events)) // 'flowchart LR\n  n1["POST /orders<br/>checkout"] -->|"3"| n2(["order.placed"]) ...'
 */
export function flowsMermaid(map: FlowMap): string {
  const lines = ['flowchart LR'];
  const ids = new Map<string, string>();
  const id = (key: string, declare: (id: string) => string): string => {
    let found = ids.get(key);
    if (!found) {
      found = `n${ids.size + 1}`;
      ids.set(key, found);
      lines.push(`  ${declare(found)}`);
    }
    return found;
  };
  for (const flow of map.types) {
    const type = id(`type:${flow.type}`, (n) => `${n}(["${label(flow.type)}"])`);
    for (const role of ['producers', 'relays', 'consumers', 'webhooks'] as const) {
      for (const edge of flow[role]) {
        const unit = node(edge);
        const target = id(unit.key, unit.declare);
        const arrow = `-->|"${edgeLabel(edge)}"|`;
        lines.push(role === 'producers' ? `  ${target} ${arrow} ${type}` : `  ${type} ${arrow} ${target}`);
      }
    }
  }
  return lines.join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function summary(edges: FlowEdge[]): string {
  if (edges.length === 0) return '—';
  return edges
    .map((edge) => `${cell(edgeName(edge))}${edge.service ? ` (${cell(edge.service)})` : ''} ×${edge.count}${edge.errors ? `, ${errorRate(edge)} errors` : ''}`)
    .join('<br>');
}

/**
 * The table of one event type's producers, relays, consumers and webhook endpoints.
 *
 * @example
 * flowTable(map.types[0]) // '| role | unit | service | count | errors | error rate |\n...'
 */
export function flowTable(flow: EventFlow): string {
  const rows = ['| role | unit | service | count | errors | error rate |', '|---|---|---|---:|---:|---:|'];
  const roles = [['producers', 'producer'], ['relays', 'outbox relay'], ['consumers', 'consumer'], ['webhooks', 'webhook']] as const;
  for (const [role, name] of roles) {
    for (const edge of flow[role]) {
      rows.push(`| ${name} | ${cell(edgeName(edge))} | ${cell(edge.service ?? '')} | ${edge.count} | ${edge.errors} | ${errorRate(edge)} |`);
    }
  }
  return rows.join('\n');
}

export interface FlowsMarkdownOptions {
  /** Page title (default 'Event flows'). */
  title?: string;
}

/**
 * The whole flow page: diagram, summary table, one section per event type.
 *
 * @example
 * writeFileSync('docs/event-flows.md', flowsMarkdown(buildFlows(events)));
 */
export function flowsMarkdown(map: FlowMap, options: FlowsMarkdownOptions = {}): string {
  const span = map.from && map.to ? ` from ${map.from} to ${map.to}` : '';
  const out = [`# ${options.title ?? 'Event flows'}`, '', `Observed in ${map.events} events${span}.`, ''];
  if (map.types.length === 0) {
    out.push('No event was published, relayed, consumed or delivered in these events.', '');
    return out.join('\n');
  }
  out.push('## Event flow diagram', '', '```mermaid', flowsMermaid(map), '```', '');
  out.push('## Producers & consumers', '', '| event | producers | relays | consumers | webhooks |', '|---|---|---|---|---|');
  for (const flow of map.types) {
    out.push(`| ${cell(flow.type)} | ${summary(flow.producers)} | ${summary(flow.relays)} | ${summary(flow.consumers)} | ${summary(flow.webhooks)} |`);
  }
  out.push('');
  for (const flow of map.types) out.push(`## ${flow.type}`, '', flowTable(flow), '');
  return out.join('\n');
}

/**
 * @module canon/webhooks/endpoints
 * `webhooks.endpoints`: where deliveries go. Each endpoint has a URL, the event types it
 * wants (`order.*`), a `whsec_` secret (generated when not given) and an enabled flag.
 * Rotating a secret keeps signing with the old one too for a grace period.
 */
import { CanonError, describe, ErrorCodes, invalidOption } from '../core/errors.js';
import { uuidv7 } from '../core/ids.js';
import { isPlainObject } from '../core/paths.js';
import type { OutboxStore } from '../outbox/store/types.js';
import { endpointSecret, endpointUrl, eventPatterns } from './endpoint-input.js';
import type { WebhookTables } from './schema.js';
import { generateSecret } from './secret.js';

export interface WebhookEndpoint {
  id: string;
  url: string;
  /** Event types or patterns (`order.*`, `*`) this endpoint receives. */
  events: string[];
  /** The current signing secret (`whsec_…`). */
  secret: string;
  enabled: boolean;
  /** Why it is disabled: `'manual'`, `'gone'` (it answered 410) or `'failing'` (failed for `disableAfterMs`). */
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface CreateEndpointInput {
  url: string;
  events: string[];
  /** Default: `whsec_` + base64 of 32 random bytes. */
  secret?: string;
}

export interface EndpointPatch {
  url?: string;
  events?: string[];
}

export interface RotateSecretOptions {
  /** How long the previous secret keeps signing too (default 24 h; 0 stops it at once). */
  graceMs?: number;
  /** The new secret (default: generated). */
  secret?: string;
}

export interface Endpoints {
  create(input: CreateEndpointInput): Promise<WebhookEndpoint>;
  /** Every endpoint, oldest first. */
  list(): Promise<WebhookEndpoint[]>;
  get(id: string): Promise<WebhookEndpoint | undefined>;
  update(id: string, patch: EndpointPatch): Promise<WebhookEndpoint>;
  disable(id: string): Promise<WebhookEndpoint>;
  /** Enables it again (and forgets its failure streak). Deliveries that failed meanwhile stay failed: see `deliveries.redrive`. */
  enable(id: string): Promise<WebhookEndpoint>;
  rotateSecret(id: string, options?: RotateSecretOptions): Promise<WebhookEndpoint>;
  /** Deletes it with its pending deliveries and their log; resolves to whether it existed. */
  delete(id: string): Promise<boolean>;
}

const COLUMNS = 'id, url, events, secret, enabled, disabled_reason, created_at, updated_at';
const DAY_MS = 24 * 60 * 60 * 1000;

type Row = Omit<WebhookEndpoint, 'created_at' | 'updated_at'> & {
  created_at: Date | string;
  updated_at: Date | string;
};

function toEndpoint(row: Row): WebhookEndpoint {
  return {
    ...row,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}

function checkId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id === '')
    throw invalidOption('id', `expected an endpoint id, got ${describe(id)}`);
}

function checkInput(value: unknown, known: string[], what: string): Record<string, unknown> {
  if (!isPlainObject(value))
    throw invalidOption(what, `expected { ${known.join(', ')} }, got ${describe(value)}`);
  for (const key of Object.keys(value)) {
    if (!known.includes(key))
      throw invalidOption(`${what}.${key}`, `unknown field (known: ${known.join(', ')})`);
  }
  return value;
}

/**
 * @internal The endpoints API over `tables.endpoints`.
 *
 * @example
 * const endpoints = createEndpoints(store, tables, false);
 * const endpoint = await endpoints.create({ url: 'https://example.com/hooks', events: ['order.*'] });
 */
export function createEndpoints(
  store: OutboxStore,
  tables: WebhookTables,
  allowPrivateNetworks: boolean,
): Endpoints {
  const t = tables.endpoints.sql;

  async function change(id: unknown, set: string, params: unknown[]): Promise<WebhookEndpoint> {
    checkId(id);
    const { rows } = await store.query<Row>(
      `UPDATE ${t} SET ${set}, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, ...params],
    );
    if (rows.length === 0) {
      throw new CanonError(ErrorCodes.WEBHOOK_ENDPOINT_NOT_FOUND, `canon: no webhook endpoint ${id}`, { id });
    }
    return toEndpoint(rows[0]);
  }

  return {
    async create(input) {
      const fields = checkInput(input, ['url', 'events', 'secret'], 'endpoint');
      const url = endpointUrl(fields.url, allowPrivateNetworks);
      const events = eventPatterns(fields.events);
      const secret = fields.secret === undefined ? generateSecret() : endpointSecret(fields.secret, 'secret');
      const { rows } = await store.query<Row>(
        `INSERT INTO ${t} (id, url, events, secret) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
        [`ep_${uuidv7()}`, url, events, secret],
      );
      return toEndpoint(rows[0]);
    },
    async list() {
      const { rows } = await store.query<Row>(`SELECT ${COLUMNS} FROM ${t} ORDER BY created_at, id`);
      return rows.map(toEndpoint);
    },
    async get(id) {
      checkId(id);
      const { rows } = await store.query<Row>(`SELECT ${COLUMNS} FROM ${t} WHERE id = $1`, [id]);
      return rows[0] && toEndpoint(rows[0]);
    },
    async update(id, patch) {
      const fields = checkInput(patch, ['url', 'events'], 'patch');
      const url = fields.url === undefined ? null : endpointUrl(fields.url, allowPrivateNetworks);
      const events = fields.events === undefined ? null : eventPatterns(fields.events);
      return change(id, 'url = coalesce($2, url), events = coalesce($3, events)', [url, events]);
    },
    disable: (id) => change(id, `enabled = false, disabled_reason = 'manual'`, []),
    enable: (id) => change(id, 'enabled = true, disabled_reason = NULL, failing_since = NULL', []),
    async rotateSecret(id, options = {}) {
      const fields = checkInput(options, ['graceMs', 'secret'], 'options');
      const graceMs = fields.graceMs ?? DAY_MS;
      if (typeof graceMs !== 'number' || !Number.isInteger(graceMs) || graceMs < 0 || graceMs > 30 * DAY_MS) {
        throw invalidOption(
          'graceMs',
          `expected an integer of ms from 0 to 30 days, got ${describe(graceMs)}`,
        );
      }
      const secret = fields.secret === undefined ? generateSecret() : endpointSecret(fields.secret, 'secret');
      // signs with the replaced secret (and earlier ones still in their grace) until they expire;
      // graceMs 0 stops every previous secret at once
      return change(
        id,
        `previous_secrets = CASE WHEN $3::double precision > 0 THEN (
           SELECT coalesce(jsonb_agg(p), '[]'::jsonb) FROM jsonb_array_elements(previous_secrets) p
           WHERE (p->>'expires_at')::timestamptz > now()
         ) || jsonb_build_array(jsonb_build_object('secret', secret,
           'expires_at', now() + $3::double precision * interval '1 millisecond')) ELSE '[]'::jsonb END,
         secret = $2`,
        [secret, graceMs],
      );
    },
    async delete(id) {
      checkId(id);
      const { rowCount } = await store.query(`DELETE FROM ${t} WHERE id = $1`, [id]);
      return rowCount > 0;
    },
  };
}

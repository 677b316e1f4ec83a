/**
 * @module canon/webhooks/receive-options
 * Options of the framework helpers (`webhookExpress`, `webhookFastify`, `webhookHono`):
 * which provider's signatures to verify, with which secrets, tolerance and replay store.
 * Checked once when the helper is created (a `TypeError` naming the option).
 */
import { describe, invalidOption } from '../core/errors.js';
import { isPlainObject } from '../core/paths.js';
import { memoryReplayStore } from './replay/memory.js';
import type { ReplayStore } from './replay/types.js';
import { decodeSecret } from './secret.js';
import { tolerance } from './verify-common.js';
import { type HmacDigestOptions, resolveHmacDigest } from './verify-hmac.js';
import { integerOption } from '../core/option-checks.js';

/** Whose signatures: Standard Webhooks (and Svix), Stripe, or a generic HMAC (GitHub style). */
export type WebhookProvider = 'standard' | 'stripe' | 'hmac';

/** Where a generic HMAC provider puts things (defaults: GitHub's headers). */
export interface HmacProviderOptions extends HmacDigestOptions {
  /** Header with the signature (default `'x-hub-signature-256'`). */
  header?: string;
  /** Header with the delivery id, used for replay protection (default `'x-github-delivery'`). */
  idHeader?: string;
  /** Header with the event type (default `'x-github-event'`; else the payload's `type`). */
  typeHeader?: string;
}

export interface ReceiveWebhookOptions {
  /** Default `'standard'`. */
  provider?: WebhookProvider;
  /** The signing secret, or several (any may match: rotate without downtime). */
  secret: string | readonly string[];
  /** Accepted clock difference in seconds (default 300); ids are remembered twice as long. */
  toleranceSec?: number;
  /** Where accepted ids are remembered (default: `memoryReplayStore()`); `false` turns replay protection off. */
  replay?: ReplayStore | false;
  /** Settings of the `'hmac'` provider. */
  hmac?: HmacProviderOptions;
  /** Larger bodies are refused with 413 (default 1 MiB). */
  maxBodyBytes?: number;
}

/** @internal */
export interface ResolvedReceiveOptions {
  provider: WebhookProvider;
  secrets: string[];
  toleranceSec: number;
  replay: ReplayStore | undefined;
  hmac: Required<HmacProviderOptions>;
  maxBodyBytes: number;
}

const KNOWN = new Set(['provider', 'secret', 'toleranceSec', 'replay', 'hmac', 'maxBodyBytes']);
const HMAC_KNOWN = new Set(['header', 'idHeader', 'typeHeader', 'algorithm', 'encoding', 'prefix']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function headerOption(value: unknown, fallback: string, option: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !HEADER_NAME.test(value)) {
    throw invalidOption(option, `expected an HTTP header name, got ${describe(value)}`);
  }
  return value.toLowerCase();
}

function resolveHmac(value: unknown): Required<HmacProviderOptions> {
  if (value !== undefined && !isPlainObject(value)) {
    throw invalidOption(
      'hmac',
      `expected { header?, idHeader?, typeHeader?, algorithm?, encoding?, prefix? }, got ${describe(value)}`,
    );
  }
  const hmac = (value ?? {}) as HmacProviderOptions;
  for (const key of Object.keys(hmac)) {
    if (!HMAC_KNOWN.has(key))
      throw invalidOption(`hmac.${key}`, `unknown option (known: ${[...HMAC_KNOWN].join(', ')})`);
  }
  return {
    ...resolveHmacDigest(hmac, 'hmac.'),
    header: headerOption(hmac.header, 'x-hub-signature-256', 'hmac.header'),
    idHeader: headerOption(hmac.idHeader, 'x-github-delivery', 'hmac.idHeader'),
    typeHeader: headerOption(hmac.typeHeader, 'x-github-event', 'hmac.typeHeader'),
  };
}

function resolveSecrets(value: unknown, provider: WebhookProvider): string[] {
  const secrets = Array.isArray(value) ? value : [value];
  if (secrets.length === 0 || secrets.some((secret) => typeof secret !== 'string' || secret === '')) {
    throw invalidOption('secret', `expected a non-empty string or an array of them, got ${describe(value)}`);
  }
  if (provider === 'standard') {
    for (const secret of secrets) {
      try {
        decodeSecret(secret);
      } catch {
        throw invalidOption('secret', 'expected a Standard Webhooks secret: "whsec_" + base64');
      }
    }
  }
  return secrets as string[];
}

/**
 * @internal Validates the helpers' options; `helper` names the function in errors.
 *
 * @example
 * resolveReceiveOptions({ secret: 'whsec_...' }, 'webhookExpress').provider // 'standard'
 */
export function resolveReceiveOptions(
  options: ReceiveWebhookOptions,
  helper: string,
): ResolvedReceiveOptions {
  if (!isPlainObject(options))
    throw invalidOption(helper, `expected { secret, provider?, ... }, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key))
      throw invalidOption(key, `unknown option of ${helper} (known: ${[...KNOWN].join(', ')})`);
  }
  const provider = options.provider ?? 'standard';
  if (provider !== 'standard' && provider !== 'stripe' && provider !== 'hmac') {
    throw invalidOption('provider', `expected 'standard', 'stripe' or 'hmac', got ${describe(provider)}`);
  }
  const { replay, maxBodyBytes = 1024 * 1024 } = options;
  if (
    replay !== undefined &&
    replay !== false &&
    (typeof replay?.claim !== 'function' || typeof replay.release !== 'function')
  ) {
    throw invalidOption(
      'replay',
      `expected memoryReplayStore(), pgReplayStore(...) or false, got ${describe(replay)}`,
    );
  }
  integerOption(maxBodyBytes, 'maxBodyBytes', undefined, { min: 1 });
  return {
    provider,
    secrets: resolveSecrets(options.secret, provider),
    toleranceSec: tolerance(options.toleranceSec),
    replay: replay === false ? undefined : (replay ?? memoryReplayStore()),
    hmac: resolveHmac(options.hmac),
    maxBodyBytes,
  };
}

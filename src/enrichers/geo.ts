/**
 * @module canon/enrichers/geo
 * `geo()`: `geo: { country, region?, city? }` from the location headers CDNs add:
 * Cloudflare (`cf-ipcountry`; `cf-region-code`, `cf-ipcity` with "Add visitor location
 * headers"), Vercel (`x-vercel-ip-country`, `-country-region`, `-city`), CloudFront
 * (`cloudfront-viewer-country`, `-country-region`, `-city`) and Fastly (no default
 * headers: `x-fastly-country-code`, `x-fastly-region`, `x-fastly-city` set in VCL). The
 * first provider with a valid country wins. Trust them only behind that CDN: anyone can
 * send these headers to an origin that is reachable directly.
 */
import { describe, invalidOption } from '../core/errors.js';
import { rejectUnknownOptions } from '../core/option-checks.js';
import { type Fields, isPlainObject } from '../core/paths.js';
import { defineEnricher, type Enricher, type EnricherContext } from './define.js';

/** The headers one provider puts the location in. */
export interface GeoHeaders {
  country: string;
  region?: string;
  city?: string;
  /** Values are URL-encoded (Vercel's city). */
  encoded?: boolean;
}

export type GeoProvider = 'cloudflare' | 'vercel' | 'cloudfront' | 'fastly';

export const GEO_PROVIDERS: Record<GeoProvider, GeoHeaders> = {
  cloudflare: { country: 'cf-ipcountry', region: 'cf-region-code', city: 'cf-ipcity' },
  vercel: { country: 'x-vercel-ip-country', region: 'x-vercel-ip-country-region', city: 'x-vercel-ip-city', encoded: true },
  cloudfront: { country: 'cloudfront-viewer-country', region: 'cloudfront-viewer-country-region', city: 'cloudfront-viewer-city' },
  fastly: { country: 'x-fastly-country-code', region: 'x-fastly-region', city: 'x-fastly-city' },
};

export interface GeoOptions {
  /** The providers to trust, in order (default all four). */
  providers?: GeoProvider[];
  /** Your own headers, tried first (a proxy of yours that sets them). */
  headers?: GeoHeaders;
}

/** ISO 3166-1 alpha-2, or Cloudflare's T1 (Tor); XX (unknown) is not a country. */
const COUNTRY = /^(?:[A-Z]{2}|T1)$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
// eslint-disable-next-line no-control-regex -- stripping them is the point
const CONTROL = /[\u0000-\u001f\u007f]/g;

function clean(value: string | undefined, max: number, encoded: boolean | undefined): string | undefined {
  if (value === undefined) return undefined;
  let text = value;
  if (encoded) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return undefined;
    }
  }
  text = text.replace(CONTROL, '').trim();
  return text === '' || text.length > max ? undefined : text;
}

function locate(ctx: EnricherContext, headers: GeoHeaders): Fields | undefined {
  const country = ctx.header(headers.country)?.trim().toUpperCase();
  if (country === undefined || !COUNTRY.test(country) || country === 'XX') return undefined;
  const geo: Fields = { country };
  const region = headers.region && clean(ctx.header(headers.region), 64, headers.encoded);
  const city = headers.city && clean(ctx.header(headers.city), 128, headers.encoded);
  if (region) geo.region = region;
  if (city) geo.city = city;
  return geo;
}

function checkHeaders(headers: unknown): GeoHeaders {
  if (!isPlainObject(headers) || typeof headers.country !== 'string' || headers.country === '') {
    throw invalidOption('geo.headers', `expected { country, region?, city? } header names, got ${describe(headers)}`);
  }
  rejectUnknownOptions(headers, ['country', 'region', 'city', 'encoded'], 'geo.headers.');
  return headers as unknown as GeoHeaders;
}

/**
 * The geo enricher.
 *
 * @example
 * import { createCanon } from 'canon';
 * import { geo } from 'canon/enrichers';
 * const canon = createCanon({ plugins: [geo({ providers: ['cloudflare'] })] });
 * // { …, "geo": { "country": "FR", "region": "IDF", "city": "Paris" } }
 */
export function geo(options: GeoOptions = {}): Enricher {
  rejectUnknownOptions(options, ['providers', 'headers'], 'geo.');
  const providers = options.providers ?? (Object.keys(GEO_PROVIDERS) as GeoProvider[]);
  if (!Array.isArray(providers) || providers.some((p) => !Object.hasOwn(GEO_PROVIDERS, p))) {
    throw invalidOption('geo.providers', `expected some of ${Object.keys(GEO_PROVIDERS).join(', ')}, got ${describe(providers)}`);
  }
  const sources = providers.map((provider) => GEO_PROVIDERS[provider]);
  if (options.headers !== undefined) sources.unshift(checkHeaders(options.headers));
  return defineEnricher('geo', (_event, ctx) => {
    for (const headers of sources) {
      const found = locate(ctx, headers);
      if (found) return { geo: found };
    }
    return undefined;
  });
}

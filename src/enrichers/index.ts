/**
 * @module canon/enrichers
 * Plugins that add fields to every unit when it starts: `userAgent()` (parsed client),
 * `deployment()` (platform, commit, region, instance from the environment), `geo()` (from
 * CDN headers) and `defineEnricher(name, fn)` for your own. An enricher that throws is
 * counted and skipped; the event is still emitted.
 */
export { defineEnricher, type EnrichFn, type Enricher, type EnricherContext, enricherErrorChannel } from './define.js';
export { type DeploymentOptions, deployment } from './deployment.js';
export { GEO_PROVIDERS, type GeoHeaders, type GeoOptions, type GeoProvider, geo } from './geo.js';
export { requestHeader } from '../http/request-header.js';
export { type UserAgentOptions, userAgent } from './user-agent.js';

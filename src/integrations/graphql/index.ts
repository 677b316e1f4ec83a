/**
 * @module canon/graphql
 * GraphQL operations on the wide event of the HTTP request that carries them: every
 * request is `POST /graphql`, so the plugins record what ran (`graphql.operation_name`,
 * `operation_type`, `document_hash`, top-level `fields`, `error_count`, `error_codes`,
 * listed `variables`, resolver timings when asked) and make `route`
 * `graphql:<type> <name>`. `useCanon()` for Envelop / GraphQL Yoga, `canonApollo()` for
 * Apollo Server; both enrich the unit a Canon HTTP adapter started.
 */
export { type CanonApolloPlugin, type CanonApolloRequestListener, canonApollo } from './apollo.js';
export { type CanonEnvelopPlugin, useCanon } from './envelop.js';
export type { CanonGraphQLOptions, GraphQLOperationInfo } from './options.js';

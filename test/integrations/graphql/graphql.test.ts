/**
 * `canon/graphql`: the same behaviours on GraphQL Yoga (`useCanon`) and Apollo Server
 * (`canonApollo`), each behind a real Canon HTTP adapter and queried over HTTP.
 */
import http from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { type Canon, CanonOptionError, type CanonConfig, createCanon, memorySink, type MemorySink } from '../../../src/index.js';
import { type CanonGraphQLOptions, canonApollo, useCanon } from '../../../src/integrations/graphql/index.js';
import { eventFor } from '../../contract/http.js';
import { listen } from '../../helpers/http.js';
import { resolvers, typeDefs } from './schema.js';
import { apolloEntry, type GraphQLApp, type GraphQLServerEntry, yogaEntry } from './servers.js';

interface Query {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

let counter = 0;

/** POSTs a GraphQL request; returns the response body and the event of the request. */
async function run(app: GraphQLApp, sink: MemorySink, body: Query) {
  const requestId = `gql-${++counter}`;
  const res = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-request-id': requestId },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  return { status: res.status, json, event: await eventFor(sink, requestId) };
}

async function withServer(
  entry: GraphQLServerEntry,
  test: (app: GraphQLApp, sink: MemorySink) => Promise<void>,
  options?: CanonGraphQLOptions,
  config: CanonConfig = {},
) {
  const sink = memorySink();
  const canon: Canon = createCanon({ service: 'gql', sinks: [sink], handleExit: false, ...config });
  const app = await entry.start(canon, options);
  try {
    await test(app, sink);
  } finally {
    await app.close();
  }
}

const GET_USER = `
  query GetUser($id: ID!) {
    me: user(id: $id) { ...UserFields }
    ...More
  }
  fragment UserFields on User { id name }
  fragment More on Query { items { n } }
`;

for (const entry of [yogaEntry, apolloEntry]) {
  describe(`canon/graphql: ${entry.name}`, () => {
    it('records the operation: name, type, top-level fields (aliases and fragments followed), hash, route', async () => {
      await withServer(entry, async (app, sink) => {
        const { status, json, event } = await run(app, sink, { query: GET_USER, variables: { id: '7' } });
        expect(status).toBe(200);
        expect((json.data?.me as { name: string }).name).toBe('Ada');
        expect(event).toMatchObject({
          kind: 'http',
          method: 'POST',
          path: '/graphql',
          route: 'graphql:query GetUser',
          status_code: 200,
          outcome: 'success',
          graphql: { operation_name: 'GetUser', operation_type: 'query', fields: ['user', 'items'], error_count: 0 },
        });
        expect(event.graphql.document_hash).toMatch(/^[0-9a-f]{16}$/);
        expect(event.graphql.variables).toBeUndefined(); // none listed, none recorded
      });
    });

    it('hashes the printed document: whitespace and comments do not change it, another query does', async () => {
      await withServer(entry, async (app, sink) => {
        const a = await run(app, sink, { query: 'query A { items { n } }' });
        const b = await run(app, sink, { query: '# a comment\nquery   A {\n  items {\n    n\n  }\n}\n' });
        const c = await run(app, sink, { query: 'query A { items { n } boom }' });
        expect(a.event.graphql.document_hash).toBe(b.event.graphql.document_hash);
        expect(c.event.graphql.document_hash).not.toBe(a.event.graphql.document_hash);
      });
    });

    it('records listed variables only, and redaction applies to them', async () => {
      await withServer(
        entry,
        async (app, sink) => {
          const { json, event } = await run(app, sink, {
            query: 'mutation SignUp($input: SignUpInput!, $plan: String) { signUp(input: $input, plan: $plan) { id } }',
            variables: { input: { email: 'ada@example.com', password: 'hunter2' }, plan: 'pro' },
          });
          expect(json.errors).toBeUndefined();
          expect(event).toMatchObject({
            route: 'graphql:mutation SignUp',
            graphql: {
              operation_type: 'mutation',
              variables: { input: { email: 'ada@example.com', password: '[REDACTED]' } },
            },
          });
          expect(event.graphql.variables.plan).toBeUndefined();
          expect(JSON.stringify(event)).not.toContain('hunter2');
        },
        { variables: ['input.email', 'input.password'] },
        { redact: { fields: ['graphql.variables.input.password'] } },
      );
    });

    it('marks an unexpected resolver exception (HTTP 200 with errors): outcome error, path kept', async () => {
      await withServer(entry, async (app, sink) => {
        const { status, json, event } = await run(app, sink, { query: 'query Boom { boom items { n } }' });
        expect(status).toBe(200);
        expect(json.errors).toHaveLength(1);
        expect(event).toMatchObject({
          outcome: 'error',
          status_code: 200,
          error: { type: 'Error', message: 'db exploded', path: 'boom' },
          graphql: { error_count: 1 },
        });
      });
    });

    it('counts errors raised on purpose with their codes, without failing the event', async () => {
      await withServer(entry, async (app, sink) => {
        const { event } = await run(app, sink, { query: 'query Denied { denied }' });
        expect(event).toMatchObject({ outcome: 'success', graphql: { error_count: 1, error_codes: ['FORBIDDEN'] } });
        expect(event.error).toBeUndefined();
      });
    });

    it('counts validation and syntax errors; no operation is recorded for them', async () => {
      await withServer(entry, async (app, sink) => {
        const invalid = await run(app, sink, { query: 'query Bad { nope }' });
        expect(invalid.event.graphql.error_count).toBeGreaterThanOrEqual(1);
        expect(invalid.event.graphql.operation_name).toBeUndefined();
        expect(invalid.event.route).toBe(entry.httpRoute);
        const syntax = await run(app, sink, { query: 'query {' });
        expect(syntax.event.graphql.error_count).toBe(1);
        expect(syntax.event.outcome).not.toBe('error');
      });
    });

    it('names the route of an anonymous operation by its type; route is configurable or left alone', async () => {
      await withServer(entry, async (app, sink) => {
        expect((await run(app, sink, { query: '{ items { n } }' })).event.route).toBe('graphql:query');
      });
      await withServer(entry, async (app, sink) => expect((await run(app, sink, { query: 'query Q { items { n } }' })).event.route).toBe(entry.httpRoute), {
        route: false,
      });
      await withServer(
        entry,
        async (app, sink) => {
          expect((await run(app, sink, { query: 'query Q { items { n } }' })).event.route).toBe('/graphql#Q');
        },
        { route: ({ name }) => `/graphql#${name}` },
      );
    });

    it('lists slow resolvers only with resolvers: "slow"', async () => {
      await withServer(
        entry,
        async (app, sink) => {
          const { event } = await run(app, sink, { query: 'query S { slow items { n } }' });
          expect(event.graphql.resolvers).toHaveLength(1);
          expect(event.graphql.resolvers[0]).toMatchObject({ field: 'Query.slow', path: 'slow' });
          expect(event.graphql.resolvers[0].duration_ms).toBeGreaterThanOrEqual(390);
        },
        { resolvers: 'slow', slowResolverMs: 200 },
      );
    });

    it('lists every resolver with resolvers: "all", up to maxResolvers, counting the rest', async () => {
      await withServer(
        entry,
        async (app, sink) => {
          const { event } = await run(app, sink, { query: 'query I { items { n } }' });
          expect(event.graphql.resolvers).toHaveLength(5);
          expect(event.graphql.resolvers[0]).toMatchObject({ field: 'Query.items', path: 'items' });
          expect(event.graphql.resolvers[1]).toMatchObject({ field: 'Item.n', path: 'items.0.n' });
          expect(event.graphql.resolvers_dropped).toBe(26); // 1 + 30 resolvers, 5 listed
        },
        { resolvers: 'all', maxResolvers: 5 },
      );
    });

    it('keeps 50 concurrent operations apart', async () => {
      await withServer(
        entry,
        async (app, sink) => {
          const runs = await Promise.all(
            Array.from({ length: 50 }, (_, n) =>
              run(app, sink, { query: `query Op${n}($id: ID!) { user(id: $id) { id } }`, variables: { id: `u${n}` } }),
            ),
          );
          runs.forEach(({ event }, n) => {
            expect(event.route).toBe(`graphql:query Op${n}`);
            expect(event.graphql.variables).toEqual({ id: `u${n}` });
          });
        },
        { variables: ['id'] },
      );
    });
  });
}

describe('canon/graphql outside a unit and with bad options', () => {
  it('does nothing when no Canon adapter started a unit', async () => {
    const yoga = createYoga({ schema: createSchema({ typeDefs, resolvers }), plugins: [useCanon()], logging: false });
    const app = await listen(http.createServer(yoga));
    try {
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ items { n } }' }),
      });
      expect(((await res.json()) as { data: { items: unknown[] } }).data.items).toHaveLength(30);
    } finally {
      await app.close();
    }
  });

  it('rejects bad options when the plugin is created, naming them', () => {
    for (const factory of [useCanon, canonApollo]) {
      for (const [options, option] of [
        [{ route: 'graphql' }, 'route'],
        [{ variables: 'id' }, 'variables'],
        [{ variables: ['ok', 'a..b'] }, 'variables[1]'],
        [{ resolvers: true }, 'resolvers'],
        [{ slowResolverMs: -1 }, 'slowResolverMs'],
        [{ maxResolvers: 0 }, 'maxResolvers'],
        [{ resolver: 'all' }, 'resolver'],
      ] as const) {
        expect(() => factory(options as never), option).toThrow(CanonOptionError);
        try {
          factory(options as never);
        } catch (err) {
          expect((err as CanonOptionError).option, option).toBe(option);
        }
      }
    }
  });
});

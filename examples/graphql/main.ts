/**
 * `npx tsx examples/graphql/main.ts`: GraphQL Yoga behind `canonNode`, with the
 * `useCanon` plugin. It sends itself a named query, a mutation whose password variable
 * is recorded and redacted, a query whose resolver fails, and a slow one, then prints
 * the wide events on stdout (`route: "graphql:query GetOrder"`, `graphql: {...}`) and exits.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { canonNode } from '../../src/frameworks/node/index.js';
import { createCanon } from '../../src/index.js';
import { useCanon } from '../../src/integrations/graphql/index.js';

const canon = createCanon({ service: 'graph-example', redact: { fields: ['graphql.variables.input.password'] } });

const schema = createSchema({
  typeDefs: `
    type Order { id: ID!, total: Int! }
    input SignUp { email: String!, password: String! }
    type Query { order(id: ID!): Order, report: String, broken: String }
    type Mutation { signUp(input: SignUp!): Boolean }
  `,
  resolvers: {
    Query: {
      order: (_: unknown, { id }: { id: string }) => ({ id, total: 1200 }),
      report: () => new Promise((resolve) => setTimeout(() => resolve('ready'), 150)),
      broken: () => {
        throw new Error('the warehouse service timed out');
      },
    },
    Mutation: { signUp: () => true },
  },
});

const yoga = createYoga({
  schema,
  logging: false,
  plugins: [useCanon({ variables: ['id', 'input.email', 'input.password'], resolvers: 'slow', slowResolverMs: 100 })],
});

const server = http.createServer(canonNode(canon, yoga));
server.listen(0, '127.0.0.1', async () => {
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const post = (query: string, variables?: object) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  await post('query GetOrder($id: ID!) { order(id: $id) { id total } }', { id: 'o_1' });
  await post('mutation Register($input: SignUp!) { signUp(input: $input) }', {
    input: { email: 'ada@example.com', password: 'correct horse' },
  });
  await post('query Broken { broken }');
  await post('query Report { report }');
  server.close();
  await canon.close();
});

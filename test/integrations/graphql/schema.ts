/** The schema both GraphQL servers of the tests serve (SDL and resolvers). */
import { GraphQLError } from 'graphql';
import { sleep } from '../../helpers/wait.js';

export const typeDefs = /* GraphQL */ `
  type Query {
    user(id: ID!): User
    boom: String
    denied: String
    slow: String
    items: [Item!]!
  }
  type User {
    id: ID!
    name: String!
  }
  type Item {
    n: Int!
  }
  input SignUpInput {
    email: String!
    password: String!
  }
  type Mutation {
    signUp(input: SignUpInput!, plan: String): User
  }
`;

export const resolvers = {
  Query: {
    user: async (_: unknown, { id }: { id: string }) => {
      await sleep(1);
      return { id, name: 'Ada' };
    },
    boom: () => {
      throw new Error('db exploded');
    },
    denied: () => {
      throw new GraphQLError('not allowed', { extensions: { code: 'FORBIDDEN' } });
    },
    slow: async () => {
      await sleep(400); // slow on purpose: far above the 200 ms threshold the tests use
      return 'done';
    },
    items: () => Array.from({ length: 30 }, (_, n) => ({ n })),
  },
  Mutation: {
    signUp: (_: unknown, { input }: { input: { email: string } }) => ({ id: 'u_1', name: input.email }),
  },
};

/**
 * @module canon/prisma
 * Query tracking for Prisma, natively: a `$extends` query extension that records every
 * Prisma operation run inside a unit of work on its wide event's `db` field. The
 * statement of a model operation is `Model.operation` (`User.findMany`); raw queries
 * keep their SQL, normalized (`$queryRaw`, `$executeRaw`, and the `Unsafe` variants).
 */
import { performance } from 'node:perf_hooks';
import { storage } from '../../core/context.js';
import { type DbTrackingOptions, resolveDbOptions } from '../db/options.js';
import { recordQuery } from '../db/record.js';

export type { DbTrackingOptions } from '../db/options.js';
export type { DbFields, SlowQuery } from '../db/record.js';

/** What Prisma passes to a `$allOperations` query extension. */
export interface PrismaOperation {
  model?: string;
  operation: string;
  args: unknown;
  query: (args: any) => PromiseLike<unknown>;
}

/** The extension object for `prisma.$extends(...)`. */
export interface PrismaTrackingExtension {
  name: string;
  query: { $allOperations(operation: PrismaOperation): Promise<unknown> };
}

/** `Model.operation`, or the SQL of a raw query (Prisma's `Sql` object or the `Unsafe` string). */
function statementOf({ model, operation, args }: PrismaOperation): string {
  if (model !== undefined) return `${model}.${operation}`;
  if (Array.isArray(args) && typeof args[0] === 'string') return args[0];
  const raw = args as { text?: unknown; strings?: unknown } | null;
  if (typeof raw?.text === 'string') return raw.text;
  if (Array.isArray(raw?.strings)) return raw.strings.join('?');
  return operation;
}

/**
 * A Prisma client extension that tracks every operation. Use it on one level only: if
 * the `pg` pool behind `@prisma/adapter-pg` is also tracked with `trackPg`, each
 * operation's SQL is counted too.
 *
 * @example
 * import { PrismaPg } from '@prisma/adapter-pg';
 * import { PrismaClient } from './generated/prisma/client.js';
 * import { prismaTracking } from 'canon/prisma';
 * const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString }) })
 *   .$extends(prismaTracking({ slowQueryMs: 200 }));
 * await prisma.user.findMany(); // inside a request: db.query_count + 1
 */
export function prismaTracking(options?: DbTrackingOptions): PrismaTrackingExtension {
  const resolved = resolveDbOptions(options, 'prismaTracking');
  return {
    name: 'canon',
    query: {
      async $allOperations(operation) {
        const unit = storage.getStore();
        if (unit === undefined) return operation.query(operation.args);
        const started = performance.now();
        try {
          const result = await operation.query(operation.args);
          recordQuery(unit, started, false, statementOf(operation), resolved);
          return result;
        } catch (err) {
          recordQuery(unit, started, true, statementOf(operation), resolved);
          throw err;
        }
      },
    },
  };
}

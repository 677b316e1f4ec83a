import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCanon, memorySink } from '../../src/index.js';
import { trackPg } from '../../src/tracking/pg/index.js';
import { prismaTracking } from '../../src/tracking/prisma/index.js';
import { createTestSchema, DATABASE_URL, type TestSchema } from './pg-schema.js';
import { requireServices } from '../helpers/services.js';

requireServices('postgres');

const root = fileURLToPath(new URL('../../', import.meta.url));
// Generated inside node_modules so the client resolves @prisma/client; removed afterwards.
const outDir = `${root}node_modules/.cache/canon-prisma-${randomBytes(4).toString('hex')}`;

/**
 * Generates a Prisma 7 client (`prisma-client` generator, no Rust query engine) for the
 * `items` table. The CLI wants a schema-engine binary before it runs any command and
 * would download it; `generate` never executes it, so any existing file satisfies the
 * check and nothing is downloaded.
 */
function generateClient(): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    `${outDir}/schema.prisma`,
    `generator client {
  provider     = "prisma-client"
  output       = "${outDir}/client"
  moduleFormat = "esm"
}
datasource db {
  provider = "postgresql"
}
model Item {
  id   Int    @id @default(autoincrement())
  name String
  @@map("items")
}
`,
  );
  execFileSync(
    process.execPath,
    [`${root}node_modules/prisma/build/index.js`, 'generate', '--schema', `${outDir}/schema.prisma`],
    {
      cwd: outDir,
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
      },
      stdio: 'pipe',
    },
  );
}

let schema: TestSchema;
let PrismaClient: new (options: { adapter: PrismaPg }) => any;
beforeAll(async () => {
  schema = await createTestSchema('prisma');
  generateClient();
  ({ PrismaClient } = await import(`${outDir}/client/client.ts`));
}, 60_000);
afterAll(async () => {
  await schema?.drop();
  rmSync(outDir, { recursive: true, force: true });
});

function setup(options?: Parameters<typeof prismaTracking>[0]) {
  const sink = memorySink();
  const canon = createCanon({ sinks: [sink], handleExit: false });
  const adapter = new PrismaPg({ connectionString: DATABASE_URL }, { schema: schema.name });
  const prisma = new PrismaClient({ adapter }).$extends(prismaTracking(options));
  return { sink, canon, prisma };
}

describe('prismaTracking ($extends query extension)', () => {
  it('counts model operations, batch and interactive transactions, and errors', async () => {
    const { sink, canon, prisma } = setup({ slowQueryMs: 0, maxSlowQueries: 3 });
    try {
      await canon.run({}, async () => {
        await prisma.item.create({ data: { name: 'secret-name' } });
        await prisma.$transaction([prisma.item.count(), prisma.item.findFirst()]);
        await prisma.$transaction(async (tx: any) => {
          await tx.item.findMany();
        });
        await prisma.item.findUniqueOrThrow({ where: { id: -1 } }).catch(() => {});
      });
    } finally {
      await prisma.$disconnect();
    }
    const { db } = sink.events[0];
    expect(db).toMatchObject({ query_count: 5, error_count: 1, slow_queries_dropped: 2 });
    expect(db.slow_queries.map((q: { statement: string }) => q.statement)).toEqual([
      'Item.create',
      'Item.count',
      'Item.findFirst',
    ]);
    expect(JSON.stringify(sink.events[0])).not.toContain('secret-name');
  });

  it('records a slow raw query with its SQL and without its values', async () => {
    // Slow on purpose (pg_sleep 1.1 s over a 1 s threshold), fast beyond doubt: the client
    // is connected and both statements ran once before the unit, so `SELECT 1` inside it is
    // one round trip, a full second under the threshold even on a loaded machine.
    const { sink, canon, prisma } = setup({ slowQueryMs: 1_000 });
    const slow = () =>
      prisma.$queryRaw`SELECT pg_sleep(${1.1})::text, ${'top-secret'}::text AS s, 'literal' AS l`;
    const fast = () => prisma.$executeRawUnsafe('SELECT 1 WHERE 2 = $1', 2);
    try {
      await prisma.$queryRaw`SELECT ${'warm-up'}::text AS s, 'literal' AS l`;
      await fast();
      await canon.run({}, async () => {
        await slow();
        await fast();
      });
    } finally {
      await prisma.$disconnect();
    }
    const { db } = sink.events[0];
    expect(db.query_count).toBe(2);
    expect(db.slow_queries).toEqual([
      { statement: 'SELECT pg_sleep($1)::text, $2::text AS s, ? AS l', duration_ms: expect.any(Number) },
    ]);
    expect(db.slow_queries[0].duration_ms).toBeGreaterThanOrEqual(1_100);
    expect(JSON.stringify(sink.events[0])).not.toContain('top-secret');
  });

  it('keeps concurrent units apart and does nothing outside one', async () => {
    const { sink, canon, prisma } = setup();
    try {
      expect(await prisma.item.count()).toBeGreaterThanOrEqual(0); // outside a unit: plain Prisma
      await Promise.all(
        [1, 3].map((n) =>
          canon.run({ n }, async () => {
            for (let i = 0; i < n; i++) await prisma.item.count();
          }),
        ),
      );
    } finally {
      await prisma.$disconnect();
    }
    expect(Object.fromEntries(sink.events.map((e) => [e.n, e.db.query_count]))).toEqual({ 1: 1, 3: 3 });
  });

  it('counts SQL statements instead when the adapter is given a trackPg pool', async () => {
    const sink = memorySink();
    const canon = createCanon({ sinks: [sink], handleExit: false });
    const pool = trackPg(schema.pool());
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema: schema.name }) });
    try {
      await canon.run({}, async () => {
        await prisma.item.findMany();
        await prisma.$transaction(async (tx: any) => {
          await tx.item.count();
        });
      });
    } finally {
      await prisma.$disconnect();
    }
    const { db } = sink.events[0];
    expect(db.error_count).toBe(0);
    expect(db.query_count).toBe(4); // select, begin, count, commit
  });

  it('refuses bad options, naming them', () => {
    expect(() => prismaTracking({ maxSlowQueries: -1 })).toThrow(/`prismaTracking.maxSlowQueries`/);
    expect(() => prismaTracking('fast' as never)).toThrow(/`prismaTracking\(options\)`/);
  });
});

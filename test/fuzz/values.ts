/**
 * Generators of the values users and attackers hand to the event handle: everything
 * fast-check's `anything` makes (BigInt, Map/Set, typed arrays, dates, sparse arrays,
 * null prototypes, boxed values), plus the awkward ones: -0/NaN/±Infinity, symbols as
 * keys and values, class instances, frozen objects, Proxies (transparent and hostile),
 * getters and toJSON methods that throw, functions, errors with causes, 1 MB strings.
 * `cyclic` and `deep` make the shapes of issue 13's first defect (cycles, 10,000 levels).
 */
import fc from 'fast-check';

class Money {
  constructor(
    readonly cents: number,
    readonly currency: string,
  ) {}
  get display() {
    return `${this.cents / 100} ${this.currency}`;
  }
}

const MB_STRING = 'x'.repeat(1024 * 1024);

/** Values whose inspection throws: getters, toJSON and Proxy traps (issue 13, defect 1). */
export const throwing = (): unknown[] => [
  Object.defineProperty({}, 'boom', { enumerable: true, get: () => { throw new Error('getter'); } }),
  { toJSON: () => { throw new Error('toJSON'); } },
  new Proxy({}, { ownKeys: () => { throw new Error('ownKeys'); } }),
  new Proxy({ a: 1 }, { get: () => { throw new Error('get'); } }),
  new Proxy([1, 2], { getPrototypeOf: () => { throw new Error('proto'); } }),
];

const hostile = (): unknown[] => [
  new Proxy({ a: 1, b: [2] }, {}),
  Object.freeze({ frozen: { deep: Object.freeze([1]) } }),
  Object.create(null),
  new Money(1999, 'EUR'),
  new Error('top', { cause: new TypeError('inner', { cause: { code: 'E1' } }) }),
  new AggregateError([new Error('a'), 'b'], 'many'),
  () => 1,
  Symbol('v'),
  { [Symbol('k')]: 1, ok: 2 },
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  10n ** 30n,
  new Date(Number.NaN),
  new Uint8Array([1, 2, 3]),
  new Float64Array([Number.NaN, -0]),
  new Map<unknown, unknown>([[{ k: 1 }, new Set([1])]]),
  /re+/g,
  MB_STRING,
  { big: MB_STRING },
  Promise.resolve(1),
  new WeakMap(),
];

/** Any value, with the awkward ones often. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.anything({
      maxDepth: 3,
      withBigInt: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withDate: true,
      withSparseArray: true,
      withNullPrototype: true,
      withBoxedValues: true,
      withObjectString: true,
    }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: hostile().length - 1 }).map((i) => hostile()[i]) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.integer({ min: 0, max: hostile().length - 1 }).map((i) => hostile()[i]), { maxKeys: 3 }) },
);

/** Dot-paths, valid and not, and the bracket forms of redaction paths (which set() takes as keys). */
export const anyPath: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('user.id', 'a.b.c', 'db.query_count', '', '.', 'a..b', '__proto__.x', 'constructor', 'toString', 'a.0.b'),
  fc.constantFrom('items[*].card', 'items[0].card', 'headers["x-api-key"]', "headers['x-api-key']", '["a.b"]', 'a[', 'a]]', '*', '**.password'),
  fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.')),
  fc.string({ maxLength: 30 }),
);

/** A value whose inspection throws. */
export const throwingValue: fc.Arbitrary<unknown> = fc
  .integer({ min: 0, max: throwing().length - 1 })
  .map((i) => throwing()[i]);

/** A cycle: direct, through an array, through a Map, or two objects pointing at each other. */
export const cyclic: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(fc.constantFrom('self', 'array', 'map', 'pair'), anyValue)
  .map(([shape, value]) => {
    const root: Record<string, unknown> = { value };
    if (shape === 'self') root.self = root;
    else if (shape === 'array') root.list = [1, root];
    else if (shape === 'map') root.map = new Map([['root', root]]);
    else root.other = { back: root };
    return root;
  });

/** `{ a: { a: … } }`, `depth` levels (objects or arrays). */
export function deep(depth: number, arrays = false): Record<string, unknown> {
  let node: unknown = { leaf: true };
  for (let i = 0; i < depth; i++) node = arrays ? [node] : { a: node };
  return { nested: node };
}

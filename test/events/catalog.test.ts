import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent, eventCatalog } from '../../src/events/index.js';

describe('eventCatalog', () => {
  it('renders each event with description, version and the data fields from JSON Schema', () => {
    const placed = defineEvent('order.placed', {
      version: 2,
      description: 'A customer placed an order',
      schema: z.object({
        order_id: z.string().describe('Order identifier'),
        items: z.array(z.object({ sku: z.string(), qty: z.number().int() })),
        channel: z.enum(['web', 'app']),
        coupon: z.string().optional(),
      }),
      upcast: { 1: (d) => d },
    });
    const md = eventCatalog([defineEvent('user.created'), placed], { title: 'Shop events' });
    expect(md.startsWith('# Shop events\n')).toBe(true);
    expect(md.indexOf('## order.placed')).toBeLessThan(md.indexOf('## user.created')); // sorted
    expect(md).toContain('**Description**: A customer placed an order');
    expect(md).toContain('**Version**: 2 (older versions read through upcasters from v1)');
    expect(md).toContain('**Schema (v2)**:');
    expect(md).toContain("  type: 'order.placed';");
    expect(md).toContain('    /** Order identifier */\n    order_id: string;');
    expect(md).toContain('    items: Array<{\n      sku: string;\n      qty: number;\n    }>;');
    expect(md).toContain("    channel: 'web' | 'app';");
    expect(md).toContain('    coupon?: string;');
    expect(md).toContain('  data: unknown; // no schema');
  });

  it('says so when a schema does not expose JSON Schema', () => {
    const md = eventCatalog([defineEvent('user.created', { schema: v.object({ id: v.string() }) })]);
    expect(md).toContain('data: unknown; // the valibot schema does not expose JSON Schema');
  });

  it('refuses what is not a list of definitions', () => {
    expect(() => eventCatalog('order.placed' as never)).toThrow(/`defs`/);
    expect(() => eventCatalog([{ type: 'x' }] as never)).toThrow(/`defs\[0\]`/);
  });
});

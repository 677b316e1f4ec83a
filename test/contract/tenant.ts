/**
 * The tenant contract (`canon/tenant`): the adapters' `tenant` option behaves the same on
 * every adapter. Runs on the apps of `test/contract/adapters/` (route `GET /tenant`).
 */
import { describe, expect, it } from 'vitest';
import { CanonOptionError, createCanon, memorySink } from '../../src/index.js';
import { getTenant } from '../../src/tenant/index.js';
import { eventFor, type HttpAdapterEntry, withApp } from './http.js';

const ORG = { tenant: { header: 'X-Org-Id', validate: (id: string) => /^org_[a-z]+$/.test(id) } };

interface RefusalBody {
  error: { code: string; message: string };
}

async function refusal(res: Response): Promise<RefusalBody> {
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as RefusalBody;
}

/** A distinct valid tenant id for each n: `org_` and n in letters. */
function orgId(n: number): string {
  const letters = [...n.toString(26)].map((digit) => String.fromCharCode(97 + Number.parseInt(digit, 26)));
  return `org_${letters.join('')}`;
}

export function describeTenantContract(entry: HttpAdapterEntry): void {
  describe(`tenant contract: ${entry.name}`, () => {
    it('puts the tenant on the event and returns it from getTenant() deep in the request', async () => {
      await withApp(
        entry,
        async (app, sink) => {
          const res = await fetch(`${app.url}/tenant`, { headers: { 'x-org-id': 'org_acme' } });
          expect(await res.json()).toEqual({ tenant: 'org_acme' });
          const event = await eventFor(sink, res.headers.get('x-request-id')!);
          expect(event).toMatchObject({ tenant_id: 'org_acme', status_code: 200, outcome: 'success' });
        },
        ORG,
      );
    });

    it('refuses a request without the tenant header: 400 TENANT_REQUIRED, on the event too', async () => {
      await withApp(
        entry,
        async (app, sink) => {
          const res = await fetch(`${app.url}/tenant`, { headers: { 'x-request-id': 'no-tenant' } });
          expect(await refusal(res)).toEqual({
            error: { code: 'TENANT_REQUIRED', message: 'A tenant is required: send the x-org-id header' },
          });
          expect(res.headers.get('x-request-id')).toBe('no-tenant');
          const event = await eventFor(sink, 'no-tenant');
          expect(event).toMatchObject({
            status_code: 400,
            outcome: 'error',
            path: '/tenant',
            error: { type: 'TenantError', code: 'TENANT_REQUIRED', status: 400 },
          });
          expect(event.tenant_id).toBeUndefined();
          expect(event.response_size_bytes).toBeGreaterThan(0);
        },
        ORG,
      );
    });

    it('refuses an id that fails validate (or makes it throw) with 400 TENANT_INVALID', async () => {
      const validate = (id: string) => {
        if (id === 'org_boom') throw new Error('validator crashed');
        return /^org_[a-z]+$/.test(id);
      };
      await withApp(
        entry,
        async (app, sink) => {
          for (const bad of ['ORG-1; DROP TABLE', 'org_boom']) {
            const res = await fetch(`${app.url}/tenant`, { headers: { 'x-org-id': bad } });
            const body = await refusal(res);
            expect(body.error.code).toBe('TENANT_INVALID');
            expect(body.error.message).not.toContain(bad); // the input is not echoed back
            const event = await eventFor(sink, res.headers.get('x-request-id')!);
            expect(event).toMatchObject({ status_code: 400, error: { code: 'TENANT_INVALID' } });
            expect(event.tenant_id).toBeUndefined();
          }
        },
        { tenant: { header: 'x-org-id', validate } },
      );
    });

    it('with required: false lets requests without a tenant through, tenant undefined', async () => {
      await withApp(
        entry,
        async (app, sink) => {
          const res = await fetch(`${app.url}/tenant`);
          expect(await res.json()).toEqual({ tenant: null });
          const event = await eventFor(sink, res.headers.get('x-request-id')!);
          expect(event).toMatchObject({ status_code: 200, outcome: 'success' });
          expect(event.tenant_id).toBeUndefined();
          const other = await fetch(`${app.url}/tenant`, { headers: { 'x-tenant-id': 't2' } });
          expect(await other.json()).toEqual({ tenant: 't2' });
        },
        { tenant: { required: false } },
      );
    });

    it('keeps the tenants of 300 concurrent interleaved requests apart', async () => {
      await withApp(
        entry,
        async (app, sink) => {
          const tenants = Array.from({ length: 300 }, (_, n) => orgId(n));
          const seen = await Promise.all(
            tenants.map(async (tenant, n) => {
              const res = await fetch(`${app.url}/tenant`, {
                headers: { 'x-org-id': tenant, 'x-request-id': `t-${n}` },
              });
              return ((await res.json()) as { tenant: string }).tenant;
            }),
          );
          expect(seen).toEqual(tenants);
          await eventFor(sink, 't-299');
          for (const event of sink.events) {
            expect(event.tenant_id).toBe(tenants[Number(event.request_id.slice(2))]);
          }
          expect(getTenant()).toBeUndefined(); // nothing leaked into the test's own context
        },
        ORG,
      );
    });

    it('rejects a malformed tenant option when the adapter is set up', async () => {
      const canon = createCanon({ sinks: [memorySink()], handleExit: false });
      for (const [options, option] of [
        [{ tenant: { header: 'bad header' } }, 'tenant.header'],
        [{ tenant: { required: 'yes' } }, 'tenant.required'],
        [{ tenant: { validate: /org_/ } }, 'tenant.validate'],
        [{ tenant: { headr: 'x-org' } }, 'tenant.headr'],
        [{ tenant: 'x-org-id' }, 'tenant'],
        [{ tenat: {} }, 'tenat'],
      ] as const) {
        const started = entry.start(canon, options as never);
        await expect(started, option).rejects.toBeInstanceOf(CanonOptionError);
        await expect(started, option).rejects.toMatchObject({ code: 'CANON_INVALID_OPTION', option });
      }
    });
  });
}

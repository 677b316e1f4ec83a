/**
 * `canon/nestjs` on real Nest applications, Express and Fastify platforms: guards,
 * pipes and interceptors run inside the unit; exceptions are marked with their status;
 * `@InjectWideEvent()` works in singletons and handlers; routes keep the global prefix;
 * body parser refusals are events; the `Test.createTestingModule` flow works too. The
 * shared HTTP contract runs on both platforms in test/contract.
 */
import 'reflect-metadata';
import {
  type CallHandler,
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  Inject,
  Injectable,
  Module,
  type NestInterceptor,
  NotFoundException,
  Param,
  ParseIntPipe,
  type PipeTransform,
  Post,
  Body,
  UseGuards,
  UseInterceptors,
  UsePipes,
  HttpCode,
  VersioningType,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { CanonOptionError, createCanon, getWideEvent, memorySink, type WideEvent } from '../../src/index.js';
import { CanonModule, CurrentWideEvent, InjectWideEvent } from '../../src/integrations/nestjs/index.js';
import { eventFor } from '../contract/http.js';
import { startNest } from '../contract/adapters/nestjs.js';

let constructions = 0;

@Injectable()
class UsersService {
  constructor(@InjectWideEvent() private readonly event: CurrentWideEvent) {
    constructions++;
    this.event.set('outside.any.unit', true); // a no-op: no request is in scope here
  }

  find(id: number) {
    this.event.set('user.id', id).count('db.query_count');
    if (id === 404) throw new NotFoundException(`no user ${id}`);
    return { id };
  }
}

@Injectable()
class RecordingGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    getWideEvent()?.set('guard.ran', true);
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string> }>();
    return request.headers['x-deny'] === undefined;
  }
}

@Injectable()
class RecordingPipe implements PipeTransform {
  transform(value: unknown) {
    getWideEvent()?.set('pipe.saw', value);
    return value;
  }
}

@Injectable()
class RecordingInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler) {
    getWideEvent()?.set('interceptor.before', true);
    return next.handle().pipe(tap(() => getWideEvent()?.set('interceptor.after', true)));
  }
}

@Controller('users')
@UseGuards(RecordingGuard)
@UseInterceptors(RecordingInterceptor)
class UsersController {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  @Get(':id')
  @UsePipes(RecordingPipe)
  get(@Param('id', ParseIntPipe) id: number, @InjectWideEvent() event: WideEvent) {
    event.set('handler.same_event', event === getWideEvent());
    return this.users.find(id);
  }

  @Post()
  @HttpCode(200)
  create(@Body() body: { name?: string }) {
    return { name: body.name };
  }
}

@Injectable()
class AuditService {
  @InjectWideEvent() private readonly event!: CurrentWideEvent; // property injection

  note(id: string) {
    this.event.set('audit.order', id);
  }
}

@Controller({ path: 'orders', version: '2' })
class OrdersController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @Get(':id')
  get(@Param('id') id: string) {
    this.audit.note(id);
    return { id };
  }
}

function appModule(canon = createCanon({ sinks: [memorySink()], handleExit: false })) {
  @Module({
    imports: [CanonModule.forRoot({ canon })],
    controllers: [UsersController, OrdersController],
    providers: [UsersService, AuditService],
  })
  class AppModule {}
  return AppModule;
}

function setup() {
  const sink = memorySink();
  const canon = createCanon({ service: 'nest', sinks: [sink], handleExit: false });
  return { sink, canon, module: appModule(canon) };
}

for (const platform of ['express', 'fastify'] as const) {
  describe(`canon/nestjs on ${platform}`, () => {
    it('runs guards, pipes and interceptors inside the unit; route has the global prefix and version', async () => {
      const { sink, module } = setup();
      const app = await startNest(module, platform, (nest) => {
        nest.setGlobalPrefix('api');
        nest.enableVersioning({ type: VersioningType.URI });
      });
      try {
        const res = await fetch(`${app.url}/api/users/7`, { headers: { 'x-request-id': 'n-1' } });
        expect(await res.json()).toEqual({ id: 7 });
        expect(res.headers.get('x-request-id')).toBe('n-1');
        const event = await eventFor(sink, 'n-1');
        expect(event).toMatchObject({
          route: '/api/users/:id',
          status_code: 200,
          outcome: 'success',
          guard: { ran: true },
          pipe: { saw: '7' }, // method pipes run before the parameter's ParseIntPipe
          interceptor: { before: true, after: true },
          handler: { same_event: true },
          user: { id: 7 },
          db: { query_count: 1 },
        });
        expect(event.outside).toBeUndefined();
        const versioned = await fetch(`${app.url}/api/v2/orders/9`, { headers: { 'x-request-id': 'n-v2' } });
        expect(await versioned.json()).toEqual({ id: '9' });
        expect(await eventFor(sink, 'n-v2')).toMatchObject({ route: '/api/v2/orders/:id', audit: { order: '9' } });
      } finally {
        await app.close();
      }
    });

    it('marks an HttpException with its status, and a pipe’s refusal', async () => {
      const { sink, module } = setup();
      const app = await startNest(module, platform);
      try {
        const missing = await fetch(`${app.url}/users/404`, { headers: { 'x-request-id': 'n-404' } });
        expect(missing.status).toBe(404);
        expect(await eventFor(sink, 'n-404')).toMatchObject({
          status_code: 404,
          outcome: 'error',
          route: '/users/:id',
          error: { type: 'NotFoundException', message: 'no user 404', status: 404 },
        });
        const bad = await fetch(`${app.url}/users/abc`, { headers: { 'x-request-id': 'n-400' } });
        expect(bad.status).toBe(400);
        expect(await eventFor(sink, 'n-400')).toMatchObject({
          status_code: 400,
          error: { type: 'BadRequestException', status: 400 },
        });
      } finally {
        await app.close();
      }
    });

    it('records a request a guard refuses (status and route; the guard saw the event)', async () => {
      const { sink, module } = setup();
      const app = await startNest(module, platform);
      try {
        const res = await fetch(`${app.url}/users/1`, { headers: { 'x-request-id': 'n-403', 'x-deny': '1' } });
        expect(res.status).toBe(403);
        const event = await eventFor(sink, 'n-403');
        expect(event).toMatchObject({ status_code: 403, route: '/users/:id', guard: { ran: true } });
        expect(event.interceptor).toBeUndefined();
      } finally {
        await app.close();
      }
    });

    it('records a body the parser refuses as one event', async () => {
      const { sink, module } = setup();
      const app = await startNest(module, platform);
      try {
        const res = await fetch(`${app.url}/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': 'n-json' },
          body: '{"name": ',
        });
        expect(res.status).toBe(400);
        expect(await eventFor(sink, 'n-json')).toMatchObject({ method: 'POST', path: '/users', status_code: 400 });
        const ok = await fetch(`${app.url}/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': 'n-body' },
          body: '{"name":"ada"}',
        });
        expect(await ok.json()).toEqual({ name: 'ada' });
        expect(await eventFor(sink, 'n-body')).toMatchObject({ status_code: 200, route: '/users' });
      } finally {
        await app.close();
      }
    });

    it('keeps services singletons: @InjectWideEvent() needs no request scope', async () => {
      const { sink, module } = setup();
      const before = constructions;
      const app = await startNest(module, platform);
      try {
        await Promise.all(
          [1, 2, 3].map((n) => fetch(`${app.url}/users/${n}`, { headers: { 'x-request-id': `s-${n}` } })),
        );
        for (const n of [1, 2, 3]) expect((await eventFor(sink, `s-${n}`)).user).toEqual({ id: n });
        expect(constructions - before).toBe(1);
      } finally {
        await app.close();
      }
    });

    it('works in the Test.createTestingModule flow (the adapter comes after the module)', async () => {
      const { sink, module } = setup();
      const testing = await Test.createTestingModule({ imports: [module] }).compile();
      const { FastifyAdapter } = await import('@nestjs/platform-fastify');
      const app = platform === 'fastify' ? testing.createNestApplication(new FastifyAdapter()) : testing.createNestApplication();
      app.useLogger(false);
      await app.listen(0, '127.0.0.1');
      try {
        const { port } = app.getHttpServer().address() as { port: number };
        const res = await fetch(`http://127.0.0.1:${port}/users/5`, { headers: { 'x-request-id': 't-5' } });
        expect(res.status).toBe(200);
        expect(await eventFor(sink, 't-5')).toMatchObject({ route: '/users/:id', user: { id: 5 }, guard: { ran: true } });
      } finally {
        app.getHttpServer().closeAllConnections?.();
        await app.close();
      }
    });
  });
}

describe('CanonModule.forRoot', () => {
  it('rejects bad options before Nest starts, naming them', () => {
    const canon = createCanon({ sinks: [memorySink()], handleExit: false });
    for (const [options, option] of [
      [undefined, 'canon'],
      [{}, 'canon'],
      [{ canon: {} }, 'canon'],
      [{ canon, tenat: {} }, 'tenat'],
      [{ canon, tenant: { required: 'yes' } }, 'tenant.required'],
    ] as const) {
      expect(() => CanonModule.forRoot(options as never), option).toThrow(CanonOptionError);
      try {
        CanonModule.forRoot(options as never);
      } catch (err) {
        expect((err as CanonOptionError).option, option).toBe(option);
      }
    }
  });
});

/**
 * `npx tsx examples/nestjs/main.ts` (EXAMPLE_PLATFORM=fastify for the Fastify platform):
 * a NestJS application with `CanonModule.forRoot`. It sends itself a request a service
 * enriches through `@InjectWideEvent()`, one that ends in a `NotFoundException`, one a
 * guard refuses and one with a malformed JSON body, then prints one wide event per
 * request on stdout and exits. (tsx emits no decorator metadata: classes are injected
 * with an explicit `@Inject(...)`.)
 */
import 'reflect-metadata';
import {
  Body,
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  Inject,
  Injectable,
  Module,
  NotFoundException,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { createCanon, getWideEvent } from '../../src/index.js';
import { CanonModule, CurrentWideEvent, InjectWideEvent } from '../../src/integrations/nestjs/index.js';

const canon = createCanon({ service: 'nest-example' });

@Injectable()
class OrdersService {
  constructor(@InjectWideEvent() private readonly event: CurrentWideEvent) {}

  find(id: string) {
    this.event.set('order.id', id).count('db.query_count');
    if (id === 'missing') throw new NotFoundException(`no order ${id}`);
    return { id, status: 'shipped' };
  }
}

@Injectable()
class ApiKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const key = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers['x-api-key'];
    getWideEvent()?.set('auth.key_present', key !== undefined); // guards run inside the unit
    return key === 'secret';
  }
}

@Controller('orders')
class OrdersController {
  constructor(@Inject(OrdersService) private readonly orders: OrdersService) {}

  @Get(':id')
  get(@Param('id') id: string) {
    return this.orders.find(id);
  }

  @Post()
  @UseGuards(ApiKeyGuard)
  create(@Body() body: { item?: string }) {
    return { created: body.item ?? null };
  }
}

@Module({ imports: [CanonModule.forRoot({ canon })], controllers: [OrdersController], providers: [OrdersService] })
class AppModule {}

const app =
  process.env.EXAMPLE_PLATFORM === 'fastify'
    ? await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false })
    : await NestFactory.create(AppModule, { logger: false });
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address() as { port: number };
const base = `http://127.0.0.1:${port}`;
const json = { 'content-type': 'application/json' };

await fetch(`${base}/orders/o_17`);
await fetch(`${base}/orders/missing`);
await fetch(`${base}/orders`, { method: 'POST', headers: json, body: '{"item":"book"}' });
await fetch(`${base}/orders`, { method: 'POST', headers: { ...json, 'x-api-key': 'secret' }, body: '{"item": ' });
await app.close();
await canon.close();

/**
 * The contract app as a NestJS application with `CanonModule.forRoot`, on the Express
 * and on the Fastify platform. The app's own exception filter answers `passed()` with
 * 502 and leaves everything else to Nest's default handling.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  type ArgumentsHost,
  Body,
  Catch,
  Controller,
  Get,
  HttpCode,
  type INestApplication,
  Module,
  Param,
  Post,
  StreamableFile,
} from '@nestjs/common';
import { BaseExceptionFilter, NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { CanonModule } from '../../../src/integrations/nestjs/index.js';
import type { Canon } from '../../../src/index.js';
import type { HttpAdapterOptions } from '../../../src/http/options.js';
import { sleep } from '../../helpers/wait.js';
import type { ContractApp, HttpAdapterEntry } from '../http.js';
import {
  afterBody,
  chunks,
  contextEcho,
  echo,
  handled,
  passed,
  slowChunks,
  tenantEcho,
  thrown,
  usersDeepEnrich,
} from './shared.js';

@Controller()
class ContractController {
  @Get('users/:id')
  async user(@Param('id') id: string) {
    await usersDeepEnrich(id);
    return { id };
  }

  @Get('throw')
  async throws() {
    await sleep(1);
    throw thrown();
  }

  @Get('next-error')
  nextError() {
    throw passed();
  }

  @Get('stream')
  stream() {
    return new StreamableFile(Readable.from(chunks()), { type: 'text/plain' });
  }

  @Get('slow')
  slow() {
    return new StreamableFile(Readable.from(slowChunks()), { type: 'text/plain' });
  }

  @Get('echo/:n')
  async echo(@Param('n') n: string) {
    return String(await echo(Number(n)));
  }

  @Get('tenant')
  tenant() {
    return tenantEcho();
  }

  @Get('context')
  context() {
    return contextEcho();
  }

  @Post('body')
  @HttpCode(200)
  body(@Body() body: unknown) {
    return afterBody(body);
  }
}

/** The app's own filter: `passed()` → 502 `{ handled: true }`, the rest to Nest's default. */
@Catch()
class ContractFilter extends BaseExceptionFilter {
  override catch(err: unknown, host: ArgumentsHost) {
    if ((err as Error)?.message !== 'passed') return super.catch(err, host);
    const { status, body } = handled(err);
    this.applicationRef!.reply(host.switchToHttp().getResponse(), body, status);
  }
}

/** Starts a Nest application for `module` on the platform, listening on 127.0.0.1. */
export async function startNest(
  module: new () => object,
  platform: 'express' | 'fastify',
  setup?: (app: INestApplication) => void,
): Promise<ContractApp & { app: INestApplication }> {
  const app =
    platform === 'fastify'
      ? await NestFactory.create(module, new FastifyAdapter(), { logger: false })
      : await NestFactory.create(module, { logger: false });
  setup?.(app);
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer();
  const { port } = server.address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections?.();
      await app.close();
    },
  };
}

function contractModule(canon: Canon, options?: HttpAdapterOptions) {
  @Module({ imports: [CanonModule.forRoot({ canon, ...options })], controllers: [ContractController] })
  class ContractModule {}
  return ContractModule;
}

export const nestExpressEntry = nestEntry('express');
export const nestFastifyEntry = nestEntry('fastify');

function nestEntry(platform: 'express' | 'fastify'): HttpAdapterEntry {
  return {
    name: `nestjs (${platform})`,
    routes: true,
    errorHandler: true,
    async start(canon, options) {
      return startNest(contractModule(canon, options), platform, (app) => {
        app.useGlobalFilters(new ContractFilter(app.getHttpAdapter()));
      });
    },
  };
}

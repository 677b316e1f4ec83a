/**
 * @module canon/nestjs
 * NestJS integration, on the Express and the Fastify platform:
 * `imports: [CanonModule.forRoot({ canon, ...options })]` in the root module. One wide
 * event per request, started before Nest's middleware, guards, interceptors and pipes,
 * so all of them (and everything they call) see it through `getWideEvent()`; `route` is
 * the controller's path template as the platform registered it (`/users/:id`, global
 * prefix and version included); exceptions thrown by pipes, handlers and interceptors
 * are marked with their status. `@InjectWideEvent()` gives the event to services and
 * handlers without making anything request-scoped.
 *
 * @example
 * import { Controller, Get, Module, Param } from '@nestjs/common';
 * import { NestFactory } from '@nestjs/core';
 * import { createCanon, getWideEvent } from 'canon';
 * import { CanonModule } from 'canon/nestjs';
 *
 * @Controller('users')
 * class UsersController {
 *   @Get(':id') get(@Param('id') id: string) {
 *     getWideEvent()?.set('user.id', id);
 *     return { id };
 *   }
 * }
 *
 * @Module({ imports: [CanonModule.forRoot({ canon: createCanon({ service: 'api' }) })], controllers: [UsersController] })
 * class AppModule {}
 *
 * const app = await NestFactory.create(AppModule);
 * await app.listen(3000);
 */
export { CurrentWideEvent } from './current.js';
export { InjectWideEvent, WIDE_EVENT } from './inject.js';
export { CanonModule, type CanonModuleOptions } from './module.js';

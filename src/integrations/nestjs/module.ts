/**
 * @module canon/nestjs/module
 * `CanonModule.forRoot({ canon, ...options })`: a global module that mounts Canon on the
 * application's platform (Express or Fastify, see ./mount.ts) as soon as the application
 * is created, registers the interceptor that marks exceptions, and provides
 * `@InjectWideEvent()`'s {@link CurrentWideEvent}.
 *
 * When no HTTP adapter exists yet while the module is built (`Test.createTestingModule`
 * then `createNestApplication()`), Canon is mounted when Nest configures middleware,
 * after Nest's body parsers: requests refused by a body parser are then not recorded.
 */
import type { DynamicModule, MiddlewareConsumer, NestModule } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import { APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import type { Canon } from '../../core/canon.js';
import { type HttpAdapterOptions, resolveAdapterOptions } from '../../http/options.js';
import { CurrentWideEvent } from './current.js';
import { WIDE_EVENT } from './inject.js';
import { canonInterceptor } from './interceptor.js';
import { mountCanon, type NestSettings, type PlatformAdapter } from './mount.js';

/** Options of {@link CanonModule.forRoot}. */
export interface CanonModuleOptions extends HttpAdapterOptions {
  /** The instance `createCanon()` returned. */
  canon: Canon;
}

const SETTINGS = 'CanonNestSettings';
const FRAMEWORK = { canonOption: 'canon', passThrough: ['canon'] };

/** The module; import `CanonModule.forRoot(...)` once, in the root module. */
export class CanonModule implements NestModule {
  /** @internal Nest creates the module. */
  constructor(
    private readonly host: HttpAdapterHost,
    private readonly settings: NestSettings,
  ) {
    mountCanon(host.httpAdapter as PlatformAdapter | undefined, settings);
  }

  /** Called by Nest: mounts Canon now if there was no HTTP adapter when the module was created. */
  configure(_consumer: MiddlewareConsumer): void {
    mountCanon(this.host.httpAdapter as PlatformAdapter | undefined, this.settings);
  }

  /**
   * The module for the root module's `imports`. Invalid options throw a
   * `CanonOptionError` naming the option here, before Nest starts.
   *
   * @example
   * @Module({ imports: [CanonModule.forRoot({ canon })], controllers: [UsersController] })
   * class AppModule {}
   */
  static forRoot(options: CanonModuleOptions): DynamicModule {
    const { canon, tenant } = resolveAdapterOptions('CanonModule.forRoot', options?.canon, options, FRAMEWORK);
    const settings: NestSettings = { canon, tenant };
    return {
      module: CanonModule,
      global: true,
      providers: [
        { provide: SETTINGS, useValue: settings },
        { provide: WIDE_EVENT, useValue: new CurrentWideEvent() },
        { provide: APP_INTERCEPTOR, useValue: canonInterceptor },
      ],
      exports: [WIDE_EVENT],
    };
  }
}

// the constructor's dependencies, declared without decorator syntax
Inject(HttpAdapterHost)(CanonModule, undefined as never, 0);
Inject(SETTINGS)(CanonModule, undefined as never, 1);

/**
 * @module canon/nestjs/inject
 * `@InjectWideEvent()`: one decorator for the three places Nest code asks for things.
 *
 * - On a constructor parameter or a property of a provider or controller: injects the
 *   application's {@link CurrentWideEvent}, which acts on the event in scope at each
 *   call. No request scope is involved, so nothing becomes request-scoped.
 * - On a route handler's parameter: the request's own `WideEvent` (the object
 *   `getWideEvent()` returns), like `@Req()` gives the request.
 *
 * Canon's own code applies decorators as plain function calls; your code uses them with
 * `@` under `experimentalDecorators`, as every Nest application does.
 */
import { createParamDecorator, Inject } from '@nestjs/common';
import { getWideEvent } from '../../core/context.js';

/** The injection token of {@link CurrentWideEvent} (what `@InjectWideEvent()` injects). */
export const WIDE_EVENT = 'CanonWideEvent';

function handlerWideEvent() {
  return getWideEvent();
}

/**
 * Injects the wide event: {@link CurrentWideEvent} into constructors and properties, the
 * request's `WideEvent` into route handler parameters.
 *
 * @example
 * @Injectable()
 * class UsersService {
 *   constructor(@InjectWideEvent() private readonly event: CurrentWideEvent) {}
 *   find(id: string) { this.event.set('user.id', id); }
 * }
 *
 * @Controller('users')
 * class UsersController {
 *   @Get(':id') get(@Param('id') id: string, @InjectWideEvent() event: WideEvent) {
 *     event.set('user.lookup', true);
 *   }
 * }
 */
export function InjectWideEvent(): PropertyDecorator & ParameterDecorator {
  const inject = Inject(WIDE_EVENT);
  const param = createParamDecorator(handlerWideEvent)();
  return function canonInjectWideEvent(target: object, key: string | symbol | undefined, index?: number): void {
    // constructor parameters have no key; properties have no index
    if (key === undefined || index === undefined) inject(target, key as string | symbol, index as number);
    else param(target, key, index);
  } as PropertyDecorator & ParameterDecorator;
}

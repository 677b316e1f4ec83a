/**
 * @module canon/nestjs/interceptor
 * The global interceptor `CanonModule` registers: an exception thrown by a pipe, the
 * handler or an interceptor after it is marked on the request's event (with its
 * `status` for an `HttpException`) before Nest's exception filters answer it. It changes
 * nothing else: the stream passes through untouched.
 */
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { tap } from 'rxjs';
import { getWideEvent } from '../../core/context.js';
import type { WideEvent } from '../../core/event.js';

interface HttpExceptionLike {
  getStatus(): unknown;
}

function markException(unit: WideEvent, err: unknown): void {
  if (unit.emitted) return;
  const getStatus = (err as Partial<HttpExceptionLike> | null)?.getStatus;
  let status: unknown;
  try {
    status = typeof getStatus === 'function' ? getStatus.call(err) : undefined;
  } catch {
    // an exotic exception: marked without its status
  }
  unit.markError(err, typeof status === 'number' ? { status } : undefined);
}

/** @internal The interceptor instance (stateless, shared by every application). */
export const canonInterceptor: NestInterceptor = {
  intercept(context: ExecutionContext, next: CallHandler) {
    const unit = getWideEvent();
    if (unit === undefined || context.getType() !== 'http') return next.handle();
    return next.handle().pipe(tap({ error: (err: unknown) => markException(unit, err) }));
  },
};

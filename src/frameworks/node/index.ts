/**
 * @module canon/node
 * node:http adapter: `http.createServer(canonNode(canon, handler, options?))`. The handler
 * may be async; a thrown or rejected error is marked and answered with 500 when nothing
 * was sent yet.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Canon } from '../../core/canon.js';
import { storage } from '../../core/context.js';
import { describe, invalidOption } from '../../core/errors.js';
import type { WideEvent } from '../../core/event.js';
import { failRequest, startHttpUnit } from '../../http/lifecycle.js';
import { type HttpAdapterOptions, resolveAdapterOptions } from '../../http/options.js';
import { enterTenant, refuseRequest } from '../../http/tenant.js';

/** A request carrying its wide event. */
export type CanonRequest = IncomingMessage & { canon: WideEvent };

export type NodeHandler = (req: CanonRequest, res: ServerResponse) => unknown;

/** Options of {@link canonNode}. */
export type CanonNodeOptions = HttpAdapterOptions;

function callHandler(handler: NodeHandler, req: CanonRequest, res: ServerResponse): void {
  try {
    const result = handler(req, res);
    if (result instanceof Promise) result.catch((err) => failRequest(req.canon, res, err));
  } catch (err) {
    failRequest(req.canon, res, err);
  }
}

/**
 * Wraps a request listener so each request is one wide event. Invalid arguments throw a
 * `CanonOptionError` here, never on a request.
 *
 * @example
 * import http from 'node:http';
 * http.createServer(canonNode(canon, async (req, res) => {
 *   req.canon.set('user.id', 'u_1');
 *   res.end('ok');
 * }, { tenant: { header: 'x-tenant-id' } })).listen(3000);
 */
export function canonNode(
  canon: Canon,
  handler: NodeHandler,
  options?: CanonNodeOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { tenant } = resolveAdapterOptions('canonNode', canon, options);
  if (typeof handler !== 'function') {
    throw invalidOption('canonNode(handler)', `expected a request listener, got ${describe(handler)}`);
  }
  return function canonNodeListener(req: IncomingMessage, res: ServerResponse): void {
    const unit = startHttpUnit(canon, req, res);
    (req as CanonRequest).canon = unit;
    if (tenant !== undefined) {
      const refused = enterTenant(tenant, unit, req.headers[tenant.header]);
      if (refused !== undefined) return refuseRequest(res, refused);
    }
    storage.run(unit, callHandler, handler, req as CanonRequest, res);
  };
}

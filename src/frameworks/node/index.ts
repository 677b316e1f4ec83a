/**
 * @module canon/node
 * node:http adapter: `http.createServer(canonNode(canon, handler))`. The handler may be
 * async; a thrown or rejected error is marked and answered with 500 when nothing was
 * sent yet.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Canon } from '../../core/canon.js';
import { storage } from '../../core/context.js';
import type { WideEvent } from '../../core/event.js';
import { failRequest, startHttpUnit } from '../../http/lifecycle.js';

/** A request carrying its wide event. */
export type CanonRequest = IncomingMessage & { canon: WideEvent };

export type NodeHandler = (req: CanonRequest, res: ServerResponse) => unknown;

function callHandler(handler: NodeHandler, req: CanonRequest, res: ServerResponse): void {
  try {
    const result = handler(req, res);
    if (result instanceof Promise) result.catch((err) => failRequest(req.canon, res, err));
  } catch (err) {
    failRequest(req.canon, res, err);
  }
}

/**
 * Wraps a request listener so each request is one wide event.
 *
 * @example
 * import http from 'node:http';
 * http.createServer(canonNode(canon, async (req, res) => {
 *   req.canon.set('user.id', 'u_1');
 *   res.end('ok');
 * })).listen(3000);
 */
export function canonNode(
  canon: Canon,
  handler: NodeHandler,
): (req: IncomingMessage, res: ServerResponse) => void {
  return function canonNodeListener(req: IncomingMessage, res: ServerResponse): void {
    const unit = startHttpUnit(canon, req, res);
    (req as CanonRequest).canon = unit;
    storage.run(unit, callHandler, handler, req as CanonRequest, res);
  };
}

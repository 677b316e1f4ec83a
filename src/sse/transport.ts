/**
 * @module canon/sse/transport
 * The two ways a stream reaches a client: a node `ServerResponse` (node:http, Express,
 * Fastify's `reply.raw`, Koa's `ctx.res`) or a web `ReadableStream` inside a `Response`
 * (Hono, fetch-style servers). Both report how many bytes still wait to reach the
 * client, which is what backpressure is decided on.
 */
import { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { responseState } from '../http/response-size.js';
import type { Frame } from './frame.js';

/** Sockets corked during this tick; uncorked together right after it. */
const corked: Socket[] = [];

function uncorkAll(): void {
  for (const socket of corked) socket.uncork();
  corked.length = 0;
}

/**
 * Corks `socket` until the end of the tick (once per tick), so events published in the
 * same tick leave in one `writev` per socket, as `res.write` would do.
 */
function corkForTick(socket: Socket): void {
  if (socket.writableCorked > 0) return;
  socket.cork();
  if (corked.push(socket) === 1) process.nextTick(uncorkAll);
}

/** @internal */
export interface Transport {
  /** Writes `frame`; returns the bytes still queued for the client (never blocks). */
  write(frame: Frame): number;
  /** The bytes still queued for the client. */
  queued(): number;
  /** The bytes `write(frame)` adds to the queue: the frame, and its HTTP chunk framing if any. */
  sizeOf(frame: Frame): number;
  /** Ends the stream gracefully. */
  end(): void;
  /** Tears the stream down at once, dropping what is queued. */
  destroy(): void;
}

/**
 * @internal
 * A transport over a node response whose headers were just flushed. Once the headers are
 * on the socket, frames go straight to it, pre-framed as HTTP chunks when the response
 * is chunked: one socket write of a buffer shared by every client, instead of the four
 * `res.write` makes, corked until the end of the tick. A response not yet on its socket
 * (a pipelined request), a HEAD response, or one whose `write` a middleware replaced
 * (compression) keeps using `res.write`. An HTTP adapter's byte count is kept up to date.
 *
 * @example
 * res.writeHead(200, SSE_HEADERS); res.flushHeaders();
 * const transport = nodeTransport(res, req.method);
 */
export function nodeTransport(res: ServerResponse, method: string | undefined): Transport {
  const socket = res.socket;
  const direct =
    socket !== null &&
    method !== 'HEAD' &&
    res.writableLength === socket.writableLength && // the headers are on the socket
    res.write === ServerResponse.prototype.write && // no middleware (compression) rewrites the body
    !res.hasHeader('content-encoding');
  const chunked = res.chunkedEncoding;
  const counter = responseState(res);
  const queued = (): number => (direct ? socket.writableLength : res.writableLength);
  return {
    write(frame) {
      if (!direct) {
        res.write(frame.bytes);
        return queued();
      }
      corkForTick(socket);
      socket.write(chunked ? frame.chunked : frame.bytes);
      if (counter !== undefined) counter.bytes += frame.bytes.length;
      return queued();
    },
    queued,
    sizeOf(frame) {
      const length = frame.bytes.length;
      return chunked ? length + length.toString(16).length + 4 : length; // `<hex>\r\n` … `\r\n`
    },
    end() {
      res.end();
    },
    destroy() {
      res.destroy();
    },
  };
}

/**
 * @internal
 * A web stream and its transport. Frames wait in the transport's own queue and are handed
 * to the stream one at a time, when the server reads (a pull source), so the queue is
 * exactly what the server has not yet taken. Dropping a slow client discards that queue
 * and closes the stream cleanly: erroring it instead would make servers log a stack trace
 * per dropped client (`@hono/node-server` does), which any client could use to flood the logs.
 *
 * @example
 * const { stream, transport } = webTransport(() => connection.end('client'));
 * return new Response(stream);
 */
export function webTransport(onCancel: () => void): {
  stream: ReadableStream<Uint8Array>;
  transport: Transport;
} {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let open = true; // frames are still accepted
  let closing = false; // close the stream once the queue is taken
  let waiting = false; // the server is waiting for a frame
  const frames: Uint8Array[] = [];
  let head = 0;
  let bytes = 0;

  function discard(): void {
    frames.length = 0;
    head = 0;
    bytes = 0;
  }

  /** Hands the oldest frame to a waiting server; closes the stream once a closing queue is empty. */
  function deliver(): void {
    if (head < frames.length) {
      waiting = false;
      const frame = frames[head++];
      bytes -= frame.length;
      if (head === frames.length) discard();
      controller.enqueue(frame);
    }
    if (closing && head === frames.length) controller.close();
  }

  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        waiting = true;
        deliver();
      },
      cancel() {
        open = false;
        closing = false;
        discard();
        onCancel();
      },
    },
    { highWaterMark: 0 },
  );
  const transport: Transport = {
    write(frame) {
      if (!open) return 0;
      frames.push(frame.bytes);
      bytes += frame.bytes.length;
      if (waiting) deliver();
      return bytes;
    },
    queued: () => bytes,
    sizeOf: (frame) => frame.bytes.length,
    end() {
      if (!open) return;
      open = false;
      closing = true; // the queue is still handed over, then the stream closes
      if (head === frames.length) controller.close();
    },
    destroy() {
      if (!open) return;
      open = false;
      discard(); // what the slow client has not taken is dropped; the stream ends cleanly
      controller.close();
    },
  };
  return { stream, transport };
}

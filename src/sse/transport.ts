/**
 * @module canon/sse/transport
 * The two ways a stream reaches a client: a node `ServerResponse` (node:http, Express,
 * Fastify's `reply.raw`, Koa's `ctx.res`) or a web `ReadableStream` inside a `Response`
 * (Hono, fetch-style servers). Both report how many bytes still wait to reach the
 * client, which is what backpressure is decided on.
 */
import type { ServerResponse } from 'node:http';
import { responseState } from '../http/response-size.js';
import type { Frame } from './frame.js';

/** @internal */
export interface Transport {
  /** Writes `frame`; returns the bytes still queued for the client (never blocks). */
  write(frame: Frame): number;
  /** Ends the stream gracefully. */
  end(): void;
  /** Tears the stream down at once, dropping what is queued. */
  destroy(): void;
}

/**
 * A transport over a node response whose headers were just flushed. Once the headers are
 * on the socket, frames go straight to it, pre-framed as HTTP chunks when the response
 * is chunked: one socket write of a buffer shared by every client, instead of the four
 * `res.write` makes. A response not yet on its socket (a pipelined request) or a HEAD
 * response keeps using `res.write`. An HTTP adapter's byte count is kept up to date.
 *
 * @example
 * res.writeHead(200, SSE_HEADERS); res.flushHeaders();
 * const transport = nodeTransport(res, req.method);
 */
export function nodeTransport(res: ServerResponse, method: string | undefined): Transport {
  const socket = res.socket;
  const direct = socket !== null && method !== 'HEAD' && res.writableLength === socket.writableLength;
  const chunked = res.chunkedEncoding;
  const counter = responseState(res);
  return {
    write(frame) {
      if (!direct) {
        res.write(frame.bytes);
        return res.writableLength;
      }
      socket.write(chunked ? frame.chunked : frame.bytes);
      if (counter !== undefined) counter.bytes += frame.bytes.length;
      return socket.writableLength;
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
 * A web stream and its transport. The queue is measured in bytes with a high-water mark
 * of 0, so `-desiredSize` is exactly what the server has not yet taken from the stream.
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
  let open = true;
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      cancel() {
        open = false;
        onCancel();
      },
    },
    { highWaterMark: 0, size: (chunk) => chunk.byteLength },
  );
  const transport: Transport = {
    write(frame) {
      if (!open) return 0;
      controller.enqueue(frame.bytes);
      return -(controller.desiredSize ?? 0);
    },
    end() {
      if (!open) return;
      open = false;
      controller.close();
    },
    destroy() {
      if (!open) return;
      open = false;
      controller.error(new Error('canon/sse: client dropped (too much unsent data)'));
    },
  };
  return { stream, transport };
}

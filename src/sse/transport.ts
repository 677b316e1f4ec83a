/**
 * @module canon/sse/transport
 * The two ways a stream reaches a client: a node `ServerResponse` (node:http, Express,
 * Fastify's `reply.raw`, Koa's `ctx.res`) or a web `ReadableStream` inside a `Response`
 * (Hono, fetch-style servers). Both report how many bytes still wait to reach the
 * client, which is what backpressure is decided on.
 */
import type { ServerResponse } from 'node:http';

/** @internal */
export interface Transport {
  /** Writes `chunk`; returns the bytes still queued for the client (never blocks). */
  write(chunk: Uint8Array | string): number;
  /** Ends the stream gracefully. */
  end(): void;
  /** Tears the stream down at once, dropping what is queued. */
  destroy(): void;
}

/**
 * A transport over a node response. `writableLength` counts the response's own buffer
 * plus its socket's, so a client that stops reading shows up here.
 *
 * @example
 * const transport = nodeTransport(res); transport.write('data: hi\n\n');
 */
export function nodeTransport(res: ServerResponse): Transport {
  return {
    write(chunk) {
      res.write(chunk);
      return res.writableLength;
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
 * const { stream, transport } = webTransport(() => connection.close('client'));
 * return new Response(stream);
 */
export function webTransport(onCancel: () => void): { stream: ReadableStream<Uint8Array>; transport: Transport } {
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
    write(chunk) {
      if (!open) return 0;
      controller.enqueue(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
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

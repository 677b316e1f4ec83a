/**
 * @module canon/console
 * The Canon console: a local web page over your wide events and your eventing. Live
 * events as they are emitted (filter, errors highlighted, rate and latency charts), SQL
 * over the events (DuckDB), trace waterfalls, and the outbox, webhooks and dead letters
 * with redrive. One node request handler; its page and files ship in the package.
 *
 * @example
 * import express from 'express';
 * import { createCanon } from 'canon';
 * import { canonExpress } from 'canon/express';
 * import { createConsole } from 'canon/console';
 * const canon = createCanon({ service: 'checkout' });
 * const app = express();
 * app.use('/_canon', createConsole({ canon }));
 * app.use(canonExpress(canon));
 * app.listen(3000, '127.0.0.1'); // open http://127.0.0.1:3000/_canon/
 */
export { type ConsoleHandler, createConsole } from './console.js';
export type { ConsoleOptions } from './options.js';
export { type ConsoleServer, type ConsoleServerOptions, startConsoleServer } from './server.js';
export {
  type ConsoleEntry,
  type ConsoleSink,
  type ConsoleSinkOptions,
  consoleSink,
  DEFAULT_CONSOLE_EVENTS,
} from './sink.js';

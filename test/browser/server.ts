/**
 * A real HTTP server on 127.0.0.1 for browser tests: serves the built browser modules
 * under `/canon/`, pages registered by path, and hands every other request to the test.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { listen } from '../helpers/http.js';
import { builtModules } from './build.js';

export interface TestServer {
  url: string;
  /** Serves `html` at `path`. */
  page(path: string, html: string): void;
  /** Serves `code` as a JavaScript module at `path`. */
  script(path: string, code: string): void;
  close(): Promise<void>;
}

/** An HTML page that runs `script` as a module. */
export function html(script: string, head = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8">${head}<title>test</title></head><body><div id="root"></div><script type="module">${script}</script></body></html>`;
}

/**
 * Starts the server; `handler` gets what is not a module or a page.
 *
 * @example
 * const server = await startServer((req, res) => res.end('ok'));
 * server.page('/', html(`import { initTelemetry } from '/canon/browser/index.js'; …`));
 */
export async function startServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => {
    res.statusCode = 404;
    res.end();
  },
): Promise<TestServer> {
  const built = builtModules();
  const files = new Map<string, [type: string, body: string]>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const file = files.get(path);
    if (file) {
      res.setHeader('content-type', file[0]);
      return void res.end(file[1]);
    }
    if (path.startsWith('/canon/') && path.endsWith('.js')) {
      const relative = normalize(path.slice('/canon/'.length));
      if (relative.startsWith('..')) return void res.writeHead(404).end();
      try {
        const code = readFileSync(join(built, relative), 'utf8');
        res.setHeader('content-type', 'text/javascript');
        return void res.end(code);
      } catch {
        return void res.writeHead(404).end();
      }
    }
    handler(req, res);
  });
  const { url, close } = await listen(server);
  return {
    url,
    page: (path, body) => void files.set(path, ['text/html; charset=utf-8', body]),
    script: (path, body) => void files.set(path, ['text/javascript', body]),
    close,
  };
}

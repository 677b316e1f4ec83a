/** Shared set-up of the audit tests: an Express app whose audit records go to their own file. */
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { canonExpress } from '../../src/frameworks/express/index.js';
import { type CanonConfig, createCanon, fileSink, memorySink } from '../../src/index.js';
import { listen } from '../helpers/http.js';

/** A fresh folder under the OS temp dir. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'canon-audit-'));
}

/** The non-empty lines of a file. */
export function linesOf(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line !== '');
}

/**
 * An Express server whose `POST /users/:id/role` writes one audit record per request; the
 * wide events go to a memory sink, the audit records to `audit.jsonl` in a temp folder.
 */
export async function auditApp(config: CanonConfig = {}) {
  const dir = tempDir();
  const file = join(dir, 'audit.jsonl');
  const events = memorySink();
  const canon = createCanon({
    sinks: [events],
    handleExit: false,
    ...config,
    audit: { sinks: [fileSink(file)], ...config.audit },
  });
  const app = express();
  app.use(canonExpress(canon));
  app.post('/users/:id/role', express.json(), (req, res) => {
    canon.audit({
      action: 'user.role_changed',
      actor: { id: 'u_admin', email: 'admin@example.com' },
      target: { id: req.params.id },
      after: req.body.role,
      password: req.body.password,
    });
    res.sendStatus(204);
  });
  const server = await listen(http.createServer(app));
  async function changeRole(id: string, role: string, extra: Record<string, unknown> = {}) {
    const response = await fetch(`${server.url}/users/${id}/role`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role, ...extra }),
    });
    if (response.status !== 204) throw new Error(`status ${response.status}`);
    return response;
  }
  return { canon, events, file, dir, changeRole, close: server.close };
}

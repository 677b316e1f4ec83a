// Drives a benchmark server with GET / over keep-alive connections, for the harnesses
// that count instructions under callgrind (bench/http/instructions.mjs, functions.mjs):
// there a server takes seconds to start and answers slowly, so requests are counted
// exactly and a reset kept-alive socket is retried rather than failing the run.
import http from 'node:http';

/** One GET /; resolves true once answered, false when the connection was reset. */
function get(port, agent) {
  return new Promise((resolve) => {
    http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => res.resume().on('end', () => resolve(true))).on('error', () => resolve(false));
  });
}

/**
 * Sends `count` GET / requests over `connections` keep-alive connections. A request whose
 * kept-alive socket the server closed as it was reused (a race of keep-alive itself) is
 * sent again; the server is given up on after 100 failures in a row.
 */
export async function drive(port, count, connections = 16) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let sent = 0;
  let failures = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      if (await get(port, agent)) {
        failures = 0;
      } else {
        sent--;
        if (++failures > 100) throw new Error(`no answer from port ${port}`);
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  agent.destroy();
}

export async function waitForServer(port) {
  for (let i = 0; i < 600; i++) {
    try {
      await drive(port, 1, 1);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  throw new Error('the server under valgrind did not start');
}


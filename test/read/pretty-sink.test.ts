import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createCanon, memorySink, prettySink } from '../../src/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'canon-pretty-sink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a script that creates Canon with `config` and emits one job event; returns its stdout. */
function child(config: string, env: Record<string, string> = {}, tty = false): string {
  const script = `
    import { createCanon } from ${JSON.stringify(`${root}src/index.ts`)};
    const canon = createCanon({ service: 'demo', ${config} });
    await canon.run({ kind: 'job', job: { name: 'nightly' }, user: { id: 'u_1', email: 'a@b.c' } }, async () => {});
    await canon.flush();
  `;
  const args = ['--import', 'tsx', '--input-type=module', '-e', script];
  const options = { cwd: root, encoding: 'utf8' as const, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } };
  if (!tty) return execFileSync(process.execPath, args, options);
  // util-linux `script` runs the command on a pseudo-terminal: stdout is a TTY there
  const command = [process.execPath, ...args].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  return execFileSync('script', ['-qec', command, '/dev/null'], options).replace(/\r\n/g, '\n');
}

describe('prettySink', () => {
  it('writes the emitted event (redacted) as a pretty line, without colours off a terminal', async () => {
    const path = join(dir, 'out.txt');
    const fd = openSync(path, 'w');
    const canon = createCanon({ service: 'shop', sinks: [prettySink({ fd })], redact: { fields: ['user.email'] }, handleExit: false });
    await canon.run({ kind: 'job', job: { name: 'import' }, user: { id: 'u_1', email: 'secret@example.com' } }, async () => {});
    await canon.close();
    closeSync(fd);
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/^\d\d:\d\d:\d\d\.\d{3} shop job +import [\d.]+ms user\.id=u_1 user\.email=\[REDACTED\]\n$/);
    expect(text).not.toContain('secret@example.com');
    expect(text).not.toContain('\x1b[');
  });

  it('refuses bad options by name', () => {
    expect(() => prettySink({ fd: -1 })).toThrow('canon: invalid option `fd`');
    expect(() => prettySink({ fields: 'a' as never })).toThrow('canon: invalid option `fields`');
  });
});

describe("createCanon({ pretty })", () => {
  it("'auto' (the default) writes JSON lines when stdout is piped", () => {
    const out = child('');
    expect(JSON.parse(out.trim())).toMatchObject({ kind: 'job', service: 'demo', job: { name: 'nightly' } });
  });

  it("'auto' writes pretty, coloured lines on a terminal, and JSON lines there in production or with NO_COLOR only uncoloured", () => {
    const pretty = child('', {}, true);
    expect(pretty).toMatch(/demo.*job.*nightly/);
    expect(pretty).toContain('\x1b[');
    expect(() => JSON.parse(pretty.trim())).toThrow();
    expect(JSON.parse(child('', { NODE_ENV: 'production' }, true).trim())).toMatchObject({ kind: 'job' });
    const plain = child('', { NO_COLOR: '1' }, true);
    expect(plain).toMatch(/^\d\d:\d\d:\d\d\.\d{3} demo job +nightly /);
    expect(plain).not.toContain('\x1b[');
  });

  it('true and false force the format; explicit sinks are kept as given', () => {
    expect(child('pretty: true')).toMatch(/^\d\d:\d\d:\d\d\.\d{3} demo job +nightly [\d.]+ms user\.id=u_1 user\.email=a@b\.c\n$/);
    expect(JSON.parse(child('pretty: false', {}, true).trim())).toMatchObject({ kind: 'job' });
    expect(child('pretty: true, sinks: []')).toBe('');
  });

  it('keeps explicit sinks when pretty is true', async () => {
    const memory = memorySink();
    const canon = createCanon({ pretty: true, sinks: [memory], handleExit: false });
    await canon.run({ kind: 'job' }, async () => {});
    expect(memory.events).toHaveLength(1);
  });

  it('refuses anything else, naming the option', () => {
    expect(() => createCanon({ pretty: 'yes' as never })).toThrow("canon: invalid option `pretty`: expected 'auto', true or false");
  });
});

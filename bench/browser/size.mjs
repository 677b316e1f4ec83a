// The size of canon/browser (and canon/react) as shipped in dist/ and as an app's bundler
// makes it (esbuild --bundle --minify), gzip -9 and brotli; web-vitals beside it for
// scale (what bundling it into canon/browser would have added). Run with
// `npm run bench:browser` (builds first). Sizes are deterministic: one run is the number.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = new URL('../../', import.meta.url).pathname;
const gzip = (text) => gzipSync(text, { level: 9 }).length;
const brotli = (text) => brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;

async function bundled(contents, external = []) {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    external,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

function shipped(dir) {
  const files = readdirSync(join(root, dir)).filter((name) => name.endsWith('.js'));
  const texts = files.map((name) => readFileSync(join(root, dir, name), 'utf8'));
  return {
    files: files.length,
    bytes: texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0),
    gzipEach: texts.reduce((sum, text) => sum + gzip(text), 0),
    gzipAll: gzip(texts.join('\n')),
  };
}

const rows = [];
const browser = await bundled(`export * from './dist/browser/index.js';`);
rows.push(['canon/browser, whole module (bundled, minified)', browser]);
rows.push([
  'canon/browser, initTelemetry only',
  await bundled(`export { initTelemetry } from './dist/browser/index.js';`),
]);
rows.push([
  'canon/browser, createEventStream only',
  await bundled(`export { createEventStream } from './dist/browser/index.js';`),
]);
rows.push(['canon/react (react external)', await bundled(`export * from './dist/react/index.js';`, ['react'])]);
rows.push([
  'web-vitals (onCLS, onFCP, onINP, onLCP, onTTFB), for scale',
  await bundled(`export { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';`),
]);

console.log(`Node ${process.version}, esbuild ${(await import('esbuild')).version}, gzip -9, brotli q11\n`);
console.log('| what | minified | gzip | brotli |');
console.log('|---|---:|---:|---:|');
for (const [name, text] of rows) console.log(`| ${name} | ${kb(Buffer.byteLength(text))} | ${kb(gzip(text))} | ${kb(brotli(text))} |`);

const raw = shipped('dist/browser');
console.log(`\nAs shipped (dist/browser, tsc output with its JSDoc, ${raw.files} files): ${kb(raw.bytes)}, ` +
  `gzip ${kb(raw.gzipAll)} all together, ${kb(raw.gzipEach)} file by file.`);
console.log(`Budget: the whole module bundled and minified under 6 KB gzipped: ${gzip(browser) < 6 * 1024 ? 'met' : 'NOT MET'} (${kb(gzip(browser))}).`);

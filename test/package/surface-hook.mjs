// Loaded with --import by surface.test.ts: records every module URL the ESM loader resolves
// (tsx and the app's own imports) into the file named by CANON_SURFACE_LOG, one per line.
import { register } from 'node:module';

register('./surface-resolve.mjs', import.meta.url, { data: { log: process.env.CANON_SURFACE_LOG } });

/**
 * A page that wires `web-vitals` to `initTelemetry` as docs/browser.md shows (bundled by
 * esbuild for the test, as an app's bundler would).
 */
import { onFCP, onLCP, onTTFB } from 'web-vitals';
import { initTelemetry } from '../../../src/browser/index.js';

const telemetry = initTelemetry({ endpoint: '/_canon/browser', service: 'shop-web', navigation: true, flushIntervalMs: 100 });
onTTFB(telemetry.vital);
onFCP(telemetry.vital);
onLCP(telemetry.vital);
(globalThis as { telemetry?: unknown }).telemetry = telemetry;

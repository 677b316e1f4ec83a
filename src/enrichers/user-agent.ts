/**
 * @module canon/enrichers/user-agent
 * `userAgent()`: `client: { browser, browser_version, os, os_version, device, bot }` from
 * the request's `User-Agent` (the raw `user_agent` field stays). Parsed with bowser (MIT),
 * an optional peer dependency loaded when `userAgent()` is called; results are cached per
 * distinct header in a bounded LRU, so a busy server parses each browser once.
 */
import { createRequire } from 'node:module';
import { invalidOption } from '../core/errors.js';
import { integerOption, rejectUnknownOptions } from '../core/option-checks.js';
import type { Fields } from '../core/paths.js';
import { defineEnricher, type Enricher } from './define.js';
import { Lru } from './lru.js';

export interface UserAgentOptions {
  /** Distinct User-Agent headers whose parse is kept (default 1 000). */
  cacheSize?: number;
}

interface BowserResult {
  browser: { name?: string; version?: string };
  os: { name?: string; version?: string };
  platform: { type?: string };
}

type Parse = (ua: string) => BowserResult;

/** Only this much of a header is parsed and used as the cache key. */
const MAX_LENGTH = 512;
/** Crawlers bowser does not name. */
const BOT_WORDS = /bot\b|crawl|spider|slurp|headless/i;

function loadBowser(): Parse {
  try {
    const bowser = createRequire(import.meta.url)('bowser') as { parse: Parse };
    return bowser.parse;
  } catch {
    throw invalidOption('userAgent()', 'needs the optional peer dependency `bowser` (npm install bowser)');
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function describeClient(parse: Parse, ua: string): Fields {
  const { browser, os, platform } = parse(ua);
  const client: Fields = {};
  const fields: [string, string | undefined][] = [
    ['browser', nonEmpty(browser.name)],
    ['browser_version', nonEmpty(browser.version)],
    ['os', nonEmpty(os.name)],
    ['os_version', nonEmpty(os.version)],
    ['device', nonEmpty(platform.type)],
  ];
  for (const [key, value] of fields) if (value !== undefined) client[key] = value;
  client.bot = platform.type === 'bot' || BOT_WORDS.test(ua);
  return client;
}

/**
 * The User-Agent enricher.
 *
 * @example
 * import { createCanon } from 'canon';
 * import { userAgent } from 'canon/enrichers';
 * const canon = createCanon({ plugins: [userAgent()] });
 * // { …, "user_agent": "Mozilla/5.0 (iPhone; …", "client": { "browser": "Safari", "os": "iOS", "device": "mobile", "bot": false } }
 */
export function userAgent(options: UserAgentOptions = {}): Enricher {
  rejectUnknownOptions(options, ['cacheSize'], 'userAgent.');
  const cacheSize = integerOption(options.cacheSize, 'userAgent.cacheSize', 1_000, { min: 1 });
  const parse = loadBowser();
  const cache = new Lru<string, Fields>(cacheSize);
  return defineEnricher('user-agent', (event) => {
    const raw = event.fields.user_agent;
    if (typeof raw !== 'string' || raw === '') return undefined;
    const ua = raw.length > MAX_LENGTH ? raw.slice(0, MAX_LENGTH) : raw;
    let client = cache.get(ua);
    if (client === undefined) {
      client = describeClient(parse, ua);
      cache.set(ua, client);
    }
    return { client }; // merged as a copy: the cached object is never handed out
  });
}

/**
 * @module canon/redact/path-trie
 * Compiles redaction paths (`user.email`, `*.token`, `**.password`) into a trie matched
 * case-insensitively, one walk over the event for all paths together.
 */
import { invalidOption } from '../core/errors.js';

export type Strategy = 'mask' | 'remove' | 'hash';

/** A trie node: literal children by lowercased key, a `*` child and a `**` child. */
export interface TrieNode {
  literal: Map<string, TrieNode>;
  star?: TrieNode;
  globstar?: TrieNode;
  /** Set when a path ends here: the strategy applied to the matched value. */
  strategy?: Strategy;
}

function newNode(): TrieNode {
  return { literal: new Map() };
}

const SEGMENT = /^[^.]+$/;

/**
 * Parses one path into lowercased segments, or throws a TypeError naming `redact.fields`.
 *
 * @example
 * parseRedactPath('**.Password') // ['**', 'password']
 */
export function parseRedactPath(path: unknown, option = 'redact.fields'): string[] {
  if (typeof path !== 'string' || path.trim() === '') {
    throw invalidOption(option, `paths must be non-empty strings, got ${JSON.stringify(path)}`);
  }
  const segments = path.split('.');
  for (const segment of segments) {
    if (!SEGMENT.test(segment) || segment.trim() !== segment) {
      throw invalidOption(option, `malformed path ${JSON.stringify(path)} (empty or padded segment)`);
    }
  }
  return segments.map((segment) => segment.toLowerCase());
}

/** Adds a parsed path to the trie rooted at `root`. */
export function addPath(root: TrieNode, segments: string[], strategy: Strategy): void {
  let node = root;
  for (const segment of segments) {
    if (segment === '**') node = node.globstar ??= newNode();
    else if (segment === '*') node = node.star ??= newNode();
    else {
      let next = node.literal.get(segment);
      if (!next) node.literal.set(segment, (next = newNode()));
      node = next;
    }
  }
  node.strategy = strategy;
}

/** Creates an empty trie root. */
export function createTrie(): TrieNode {
  return newNode();
}

/**
 * The states active below `key`, given the states active at its level. Nodes reached
 * through `**` are sticky: they stay active at every deeper level (`**` may swallow keys).
 */
export function step(states: TrieNode[], sticky: TrieNode[], key: string): [TrieNode[], TrieNode[]] {
  const next: TrieNode[] = [];
  const lower = key.toLowerCase();
  for (const state of states) {
    const literal = state.literal.get(lower);
    if (literal) next.push(literal);
    if (state.star) next.push(state.star);
  }
  const nextSticky = sticky.slice();
  for (const node of sticky) next.push(node);
  expand(next, nextSticky);
  return [next, nextSticky];
}

/** Adds every `**` target reachable from `states` (a `**` matching zero segments). */
export function expand(states: TrieNode[], sticky: TrieNode[]): void {
  for (let i = 0; i < states.length; i++) {
    const globstar = states[i].globstar;
    if (globstar && !sticky.includes(globstar)) {
      sticky.push(globstar);
      states.push(globstar);
    }
  }
}

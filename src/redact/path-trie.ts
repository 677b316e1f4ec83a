/**
 * @module canon/redact/path-trie
 * Compiles redaction paths (`user.email`, `*.token`, `**.password`) into a trie, then
 * walks events with a lazily built automaton over it: each state is the set of trie
 * nodes active at one depth, its transitions are cached per (lowercased) key, so
 * matching all paths costs one map lookup per visited key.
 */
import { invalidOption } from '../core/errors.js';

export type Strategy = 'mask' | 'remove' | 'hash';

/** A trie node: literal children by lowercased key, a `*` child and a `**` child. */
interface TrieNode {
  id: number;
  literal: Map<string, TrieNode>;
  star?: TrieNode;
  globstar?: TrieNode;
  /** Set when a path ends here: the strategy applied to the matched value. */
  strategy?: Strategy;
}

/** A set of active trie nodes; nodes reached through `**` stay active deeper (sticky). */
export interface MatchState {
  /** The strategy to apply to a value reached in this state, if a path ends here. */
  readonly strategy?: Strategy;
  /** True when no path can match below: the walk can skip the subtree. */
  readonly dead: boolean;
}

interface State extends MatchState {
  nodes: TrieNode[];
  sticky: TrieNode[];
  literalKeys: Set<string>;
  byKey: Map<string, State>;
  other?: State;
}

const SEGMENT = /^[^.]+$/;

/**
 * Parses one path into lowercased segments, or throws a TypeError naming the option.
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

/** A compiled set of paths; `start` is the state at the event's top level. */
export class PathMatcher {
  private nextId = 0;
  private readonly root: TrieNode = this.node();
  private readonly states = new Map<string, State>();
  private startState?: State;

  private node(): TrieNode {
    return { id: this.nextId++, literal: new Map() };
  }

  /** Adds a parsed path (see {@link parseRedactPath}) with its strategy. */
  add(segments: string[], strategy: Strategy): void {
    let node = this.root;
    for (const segment of segments) {
      if (segment === '**') node = node.globstar ??= this.node();
      else if (segment === '*') node = node.star ??= this.node();
      else {
        let next = node.literal.get(segment);
        if (!next) node.literal.set(segment, (next = this.node()));
        node = next;
      }
    }
    node.strategy = strategy;
    this.startState = undefined;
    this.states.clear();
  }

  /** The state at the top level of an event. */
  start(): MatchState {
    this.startState ??= this.state([this.root], []);
    return this.startState;
  }

  /** The state for the value under `key`, given the state of the object holding it. */
  next(from: MatchState, key: string): MatchState {
    const state = from as State;
    const lower = key.toLowerCase();
    if (!state.literalKeys.has(lower)) return (state.other ??= this.step(state, undefined));
    let next = state.byKey.get(lower);
    if (!next) state.byKey.set(lower, (next = this.step(state, lower)));
    return next;
  }

  /** Follows `key` (undefined: a key no literal matches) from `state`. */
  private step(state: State, key: string | undefined): State {
    const nodes: TrieNode[] = [];
    for (const node of state.nodes) {
      const literal = key === undefined ? undefined : node.literal.get(key);
      if (literal) nodes.push(literal);
      if (node.star) nodes.push(node.star);
    }
    // `**` swallows this key and stays active below it.
    for (const node of state.sticky) if (!nodes.includes(node)) nodes.push(node);
    return this.state(nodes, state.sticky.slice());
  }

  /** Interns the state for `nodes` after adding what `**` reaches with zero segments. */
  private state(nodes: TrieNode[], sticky: TrieNode[]): State {
    for (let i = 0; i < nodes.length; i++) {
      const globstar = nodes[i].globstar;
      if (globstar && !sticky.includes(globstar)) {
        sticky.push(globstar);
        if (!nodes.includes(globstar)) nodes.push(globstar);
      }
    }
    const id = `${nodes.map((n) => n.id).sort((a, b) => a - b)}|${sticky.map((n) => n.id).sort((a, b) => a - b)}`;
    let state = this.states.get(id);
    if (!state) {
      const literalKeys = new Set<string>();
      for (const node of nodes) for (const key of node.literal.keys()) literalKeys.add(key);
      state = {
        nodes,
        sticky,
        literalKeys,
        byKey: new Map(),
        strategy: nodes.find((node) => node.strategy)?.strategy,
        dead: nodes.length === 0,
      };
      this.states.set(id, state);
    }
    return state;
  }
}

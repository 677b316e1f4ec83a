/**
 * @module canon/redact/path-trie
 * Compiles parsed redaction paths (see ./path-syntax.ts) into a trie, then walks events
 * with a lazily built automaton over it: each state is the set of trie nodes active at
 * one depth, its transitions are cached per key, so matching all paths costs one map
 * lookup per visited key. Arrays are transparent (`items.card` matches every
 * item's `card`) and an item may also consume one segment as its index (`items[0].card`,
 * `items[*].card`); a key with dots is also followed as the path it spells
 * (`{ 'user.email': … }` is matched by `user.email`).
 */
import { GLOBSTAR, type PathSegment, STAR } from './path-syntax.js';

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

/** Every field is set when a state is created: one object shape keeps the walk's lookups fast. */
interface State extends MatchState {
  nodes: TrieNode[];
  sticky: TrieNode[];
  literalKeys: Set<string>;
  /** Transitions by lowercased literal key. */
  byKey: Map<string, State>;
  /** Transitions by key as met in events (up to {@link SEEN_KEYS}): skips lowercasing. */
  seen: Map<string, State>;
  other: State | undefined;
  /** True when an array item may consume a segment here: a `*` child or an index key. */
  indexed: boolean;
  /** Item states: by literal index, and for any other index. */
  byIndex: Map<string, State> | undefined;
  otherItem: State | undefined;
}

const INDEX_KEY = /^\d+$/;
/** Keys remembered per state, so that keys which are data cannot grow the cache without end. */
const SEEN_KEYS = 512;

/** A compiled set of paths; `start` is the state at the event's top level. */
export class PathMatcher {
  private nextId = 0;
  private readonly root: TrieNode = this.node();
  private readonly states = new Map<string, State>();
  private startState?: State;

  private node(): TrieNode {
    return { id: this.nextId++, literal: new Map() };
  }

  /** Adds a parsed path (see `parseRedactPath`) with its strategy. */
  add(segments: PathSegment[], strategy: Strategy): void {
    let node = this.root;
    for (const segment of segments) {
      if (segment === GLOBSTAR) node = node.globstar ??= this.node();
      else if (segment === STAR) node = node.star ??= this.node();
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
    let next = state.seen.get(key);
    if (next === undefined) {
      const lower = key.toLowerCase();
      next = lower.includes('.') ? this.dotted(state, lower) : this.stepKey(state, lower);
      if (state.seen.size < SEEN_KEYS) state.seen.set(key, next);
    }
    return next;
  }

  /**
   * The state for item `index` of an array reached in `from`: the array's own state
   * (arrays are transparent), joined with the index taken as one segment.
   */
  item(from: MatchState, index: number): MatchState {
    const state = from as State;
    if (!state.indexed) return state;
    const key = String(index);
    if (!state.literalKeys.has(key)) return (state.otherItem ??= this.union(state, this.stepKey(state, key)));
    state.byIndex ??= new Map();
    let next = state.byIndex.get(key);
    if (!next) state.byIndex.set(key, (next = this.union(state, this.stepKey(state, key))));
    return next;
  }

  /** Follows one lowercased key, through the per-state transition cache. */
  private stepKey(state: State, lower: string): State {
    if (!state.literalKeys.has(lower)) return (state.other ??= this.step(state, undefined));
    let next = state.byKey.get(lower);
    if (!next) state.byKey.set(lower, (next = this.step(state, lower)));
    return next;
  }

  /**
   * A key with dots: matched as one key (a rule such as `["user.email"]`) and as the
   * path it spells (`user.email`); a rule ending part way (`user`) covers the whole value.
   */
  private dotted(state: State, lower: string): State {
    let spelled = state;
    for (const part of lower.split('.')) {
      spelled = this.stepKey(spelled, part);
      if (spelled.strategy || spelled.dead) break;
    }
    return this.union(this.stepKey(state, lower), spelled);
  }

  /** The state where the nodes of `a` and of `b` are active. */
  private union(a: State, b: State): State {
    if (b.dead || a === b) return a;
    if (a.dead) return b;
    const nodes = a.nodes.slice();
    for (const node of b.nodes) if (!nodes.includes(node)) nodes.push(node);
    const sticky = a.sticky.slice();
    for (const node of b.sticky) if (!sticky.includes(node)) sticky.push(node);
    return this.state(nodes, sticky);
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
        seen: new Map(),
        other: undefined,
        indexed: nodes.some((node) => node.star) || [...literalKeys].some((key) => INDEX_KEY.test(key)),
        byIndex: undefined,
        otherItem: undefined,
        strategy: nodes.find((node) => node.strategy)?.strategy,
        dead: nodes.length === 0,
      };
      this.states.set(id, state);
    }
    return state;
  }
}

/**
 * W3C Trace Context Level 1 conformance cases, as the spec's test suite
 * (w3c/trace-context `test/test.py`, STRICT_LEVEL 2) sends them to a vendor service,
 * plus the rules of the spec it does not exercise (upper-case hex, flags, lengths).
 * Each case lists the header lines in order, exactly as sent (names in any case, the
 * same name repeated for several lines), and what the service must do with them:
 * continue the trace (`continued`) or start a new one, and which `tracestate` it must
 * propagate (undefined: none). Used by the parser tests, the vendor-service test on
 * node:http and the HTTP contract suite (every adapter).
 */

export const T = '12345678901234567890123456789012';
export const P = '1234567890123456';
const TP = `00-${T}-${P}-01`;
const TP0 = `00-${T}-${P}-00`;

export interface TraceContextCase {
  name: string;
  /** Header lines, in order. */
  headers: [string, string][];
  /** The service continues trace `T` with parent `P` (else: a new trace, no parent). */
  continued: boolean;
  /** The flags the service sends on (default `'01'` for a new trace). */
  flags?: string;
  /** The `tracestate` the service propagates, normalized; undefined: none. */
  tracestate?: string;
}

const lcalpha = 'abcdefghijklmnopqrstuvwxyz';
const keyWithoutVendor = `${lcalpha}0123456789_-*/`;
const keyWithVendor = `${keyWithoutVendor}@a-z0-9_-*/`;
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i)).join('');
/** Every character a value may hold: 0x20–0x7E but `,` and `=`. */
const allValueChars = range(0x20, 0x2b) + range(0x2d, 0x3c) + range(0x3e, 0x7e);
const members = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => {
    const n = String(from + i).padStart(2, '0');
    return `bar${n}=${n}`;
  }).join(',');

const newTrace = (name: string, traceparent: string): TraceContextCase => ({
  name,
  headers: [['traceparent', traceparent]],
  continued: false,
});
const kept = (name: string, traceparent: string, flags = '01'): TraceContextCase => ({
  name,
  headers: [['traceparent', traceparent]],
  continued: true,
  flags,
});
const withState = (name: string, lines: string[], tracestate?: string): TraceContextCase => ({
  name,
  headers: [['traceparent', TP0], ...lines.map((line): [string, string] => ['tracestate', line])],
  continued: true,
  flags: '00',
  tracestate,
});

export const TRACEPARENT_CASES: TraceContextCase[] = [
  { name: 'both traceparent and tracestate missing', headers: [], continued: false },
  kept('traceparent included, tracestate missing', TP),
  {
    name: 'traceparent duplicated (two header lines)',
    headers: [
      ['traceparent', `00-${T.slice(0, 31)}1-${P}-01`],
      ['traceparent', TP],
    ],
    continued: false,
  },
  { name: 'wrong header name trace-parent', headers: [['trace-parent', TP]], continued: false },
  { name: 'wrong header name trace.parent', headers: [['trace.parent', TP]], continued: false },
  { name: 'header name TraceParent', headers: [['TraceParent', TP]], continued: true },
  { name: 'header name TrAcEpArEnT', headers: [['TrAcEpArEnT', TP]], continued: true },
  { name: 'header name TRACEPARENT', headers: [['TRACEPARENT', TP]], continued: true },
  newTrace('version 00 with a trailing character', `${TP}.`),
  newTrace('version 00 with extra fields', `${TP}-what-the-future-will-be-like`),
  kept('future version cc', `cc-${T}-${P}-01`),
  kept('future version cc with extra fields', `cc-${T}-${P}-01-what-the-future-will-be-like`),
  newTrace('future version cc with extra data not after a dash', `cc-${T}-${P}-01.what-the-future-will-be-like`),
  newTrace('version ff', `ff-${T}-${P}-01`),
  newTrace('version with an illegal character (.0)', `.0-${T}-${P}-01`),
  newTrace('version with an illegal character (0.)', `0.-${T}-${P}-01`),
  newTrace('version too long (000)', `000-${T}-${P}-01`),
  newTrace('version too long (0000)', `0000-${T}-${P}-01`),
  newTrace('version too short', `0-${T}-${P}-01`),
  newTrace('version in upper case', `CC-${T}-${P}-01`),
  newTrace('trace id all zero', `00-${'0'.repeat(32)}-${P}-01`),
  newTrace('trace id with an illegal character first', `00-.${T.slice(1)}-${P}-01`),
  newTrace('trace id with an illegal character last', `00-${T.slice(0, 31)}.-${P}-01`),
  newTrace('trace id too long', `00-${T}3-${P}-01`),
  newTrace('trace id too short', `00-${T.slice(0, 31)}-${P}-01`),
  newTrace('trace id in upper case', `00-4BF92F3577B34DA6A3CE929D0E0E4736-${P}-01`),
  newTrace('parent id all zero', `00-${T}-${'0'.repeat(16)}-01`),
  newTrace('parent id with an illegal character first', `00-${T}-.${P.slice(1)}-01`),
  newTrace('parent id with an illegal character last', `00-${T}-${P.slice(0, 15)}.-01`),
  newTrace('parent id too long', `00-${T}-${P}7-01`),
  newTrace('parent id too short', `00-${T}-${P.slice(0, 15)}-01`),
  newTrace('parent id in upper case', `00-${T}-00F067AA0BA902B7-01`),
  newTrace('flags with an illegal character (.0)', `00-${T}-${P}-.0`),
  newTrace('flags with an illegal character (0.)', `00-${T}-${P}-0.`),
  newTrace('flags too long', `00-${T}-${P}-001`),
  newTrace('flags too short', `00-${T}-${P}-1`),
  newTrace('flags in upper case', `00-${T}-${P}-0A`),
  kept('flags 00: not sampled, sent on as 00', `00-${T}-${P}-00`, '00'),
  kept('flags ff: only the sampled bit is sent on', `00-${T}-${P}-ff`, '01'),
  kept('flags 02: an unknown bit alone is sent on as 00', `00-${T}-${P}-02`, '00'),
  kept('leading space', ` ${TP}`),
  kept('leading tab', `\t${TP}`),
  kept('trailing space', `${TP} `),
  kept('trailing tab', `${TP}\t`),
  kept('tabs and spaces around', `\t ${TP} \t`),
];

export const TRACESTATE_CASES: TraceContextCase[] = [
  {
    name: 'tracestate without traceparent is discarded',
    headers: [['tracestate', 'foo=1,bar=2']],
    continued: false,
  },
  {
    name: 'tracestate with an invalid traceparent is discarded',
    headers: [
      ['traceparent', `00-${'0'.repeat(32)}-${P}-01`],
      ['tracestate', 'foo=1'],
    ],
    continued: false,
  },
  withState('traceparent and tracestate included', ['foo=1,bar=2'], 'foo=1,bar=2'),
  {
    name: 'wrong header name trace-state',
    headers: [
      ['traceparent', TP0],
      ['trace-state', 'foo=1'],
    ],
    continued: true,
    flags: '00',
  },
  {
    name: 'wrong header name trace.state',
    headers: [
      ['traceparent', TP0],
      ['trace.state', 'foo=1'],
    ],
    continued: true,
    flags: '00',
  },
  ...['TraceState', 'TrAcEsTaTe', 'TRACESTATE'].map(
    (name): TraceContextCase => ({
      name: `header name ${name}`,
      headers: [
        ['traceparent', TP0],
        [name, 'foo=1'],
      ],
      continued: true,
      flags: '00',
      tracestate: 'foo=1',
    }),
  ),
  withState('empty header', [''], undefined),
  withState('a member, then an empty header line', ['foo=1', ''], 'foo=1'),
  withState('an empty header line, then a member', ['', 'foo=1'], 'foo=1'),
  withState(
    'several header lines combine into one list, in order',
    ['foo=1,bar=2', 'rojo=1,congo=2', 'baz=3'],
    'foo=1,bar=2,rojo=1,congo=2,baz=3',
  ),
  withState('duplicated key in one line (same value)', ['foo=1,foo=1']),
  withState('duplicated key in one line (other value)', ['foo=1,foo=2']),
  withState('duplicated key across lines (same value)', ['foo=1', 'foo=1']),
  withState('duplicated key across lines (other value)', ['foo=1', 'foo=2']),
  withState('every allowed character, simple key', [`${keyWithoutVendor}=${allValueChars}`], `${keyWithoutVendor}=${allValueChars}`),
  withState('every allowed character, tenant@system key', [`${keyWithVendor}=${allValueChars}`], `${keyWithVendor}=${allValueChars}`),
  withState('spaces and tabs around members', ['foo=1 \t , \t bar=2, \t baz=3'], 'foo=1,bar=2,baz=3'),
  withState('tabs and spaces around members', ['foo=1\t \t,\t \tbar=2,\t \tbaz=3'], 'foo=1,bar=2,baz=3'),
  withState('leading space', [' foo=1'], 'foo=1'),
  withState('leading tab', ['\tfoo=1'], 'foo=1'),
  withState('trailing space', ['foo=1 '], 'foo=1'),
  withState('trailing tab', ['foo=1\t'], 'foo=1'),
  withState('tabs and spaces around', ['\t foo=1 \t'], 'foo=1'),
  withState('empty members between commas', ['foo=1,,  ,bar=2'], 'foo=1,bar=2'),
  withState('space inside a key', ['foo =1']),
  withState('upper-case key', ['FOO=1']),
  withState('dot in a key', ['foo.bar=1']),
  withState('key starting with a digit (allowed by the spec’s prose and Level 2)', ['1foo=1'], '1foo=1'),
  withState('empty tenant@ system', ['foo@=1,bar=2']),
  withState('empty @system tenant', ['@foo=1,bar=2']),
  withState('two @ in a row', ['foo@@bar=1,bar=2']),
  withState('two @ in a key', ['foo@bar@baz=1,bar=2']),
  withState('system id starting with a digit', ['foo@1bar=1']),
  withState('32 members over four lines', [members(1, 10), members(11, 20), members(21, 30), members(31, 32)], members(1, 32)),
  withState('33 members over four lines', [members(1, 10), members(11, 20), members(21, 30), members(31, 33)]),
  withState('key of 256 characters', ['foo=1', `${'z'.repeat(256)}=1`], `foo=1,${'z'.repeat(256)}=1`),
  withState('key of 257 characters', ['foo=1', `${'z'.repeat(257)}=1`]),
  withState('tenant of 241 and system of 14 characters', ['foo=1', `${'t'.repeat(241)}@${'v'.repeat(14)}=1`], `foo=1,${'t'.repeat(241)}@${'v'.repeat(14)}=1`),
  withState('tenant of 242 characters', ['foo=1', `${'t'.repeat(242)}@v=1`]),
  withState('system of 15 characters', ['foo=1', `t@${'v'.repeat(15)}=1`]),
  withState('= in a value', ['foo=bar=baz']),
  withState('empty value', ['foo=,bar=3']),
  withState('member without =', ['foo']),
  withState('value of 256 characters', [`foo=${'v'.repeat(256)}`], `foo=${'v'.repeat(256)}`),
  withState('value of 257 characters', [`foo=${'v'.repeat(257)}`]),
  withState('leading spaces belong to the value', ['foo=  1'], 'foo=  1'),
  withState('tab inside a value', ['foo=a\tb']),
];

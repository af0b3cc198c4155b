// The mutations the fuzz formats share: byte-level ones for binary model files, tree-level and text-level ones for
// JSON files, and the hostile values (prototype names, comment openers, bidi controls, huge and negative numbers)
// bad input is made of.
import fc from 'fast-check';

/** Names that break a prototype-backed table, a C comment, a file name or a `name=value` flag. */
export const HOSTILE_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'prototype',
  'valueOf',
  '/*',
  'a*/b',
  'x/*y*/z',
  '\u202e',
  'a\u0000b',
  'line\nbreak',
  'x=y',
  '',
  ' ',
  'a'.repeat(300),
  '../../etc/passwd',
  'é名',
];

/** Numbers that overflow a typed array length, a rank or an int32 field. */
export const HOSTILE_NUMBERS = [-1, 0, 1, 3, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 31), 2 ** 63, 1.5, -0, 1e308];

export const hostileName = fc.oneof(fc.constantFrom(...HOSTILE_NAMES), fc.string({ maxLength: 8 }));
export const hostileNumber = fc.oneof(fc.constantFrom(...HOSTILE_NUMBERS), fc.integer({ min: -4, max: 64 }));

/** A JSON value a file might hold where something else belongs. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<unknown>(null, true, false, '', [], {}, [[]], [null], { step: 'constructor' }) },
  { weight: 3, arbitrary: hostileName },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.array(hostileNumber, { maxLength: 6 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

// ---- bytes ----

export type ByteMutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'word'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'splice'; from: number; to: number; length: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array };

const position = fc.nat({ max: 2 ** 30 });
export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: position, value: fc.nat({ max: 255 }) }),
  fc.record({
    kind: fc.constant('word' as const),
    at: position,
    value: fc.constantFrom(0xffffffff, 0x7fffffff, 0x80000000, 0, 1, 0xfffffffe, 0x10000, 255),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('splice' as const), from: position, to: position, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
);

/** `base` with `muts` applied; positions wrap around the current length, `bias` (0..1) of them aimed past `from`. */
export function mutateBytes(base: Uint8Array, muts: ByteMutation[], aimFrom = 0): Uint8Array {
  let b = new Uint8Array(base); // a copy even of a Buffer, whose slice() is a view
  const at = (p: number, span = b.length) => {
    if (span <= 0) return 0;
    const lo = p % 2 === 0 ? Math.min(aimFrom, span - 1) : 0;
    return lo + (p % Math.max(1, span - lo));
  };
  for (const m of muts) {
    if (b.length === 0) break;
    if (m.kind === 'flip') b[at(m.at)] ^= 1 << m.bit;
    else if (m.kind === 'set') b[at(m.at)] = m.value;
    else if (m.kind === 'word') {
      if (b.length >= 4) new DataView(b.buffer, b.byteOffset).setUint32(at(m.at, b.length - 3) & ~3, m.value, true);
    } else if (m.kind === 'truncate') b = b.slice(0, at(m.at));
    else if (m.kind === 'splice') {
      const from = at(m.from);
      b.copyWithin(at(m.to), from, Math.min(b.length, from + m.length));
    } else {
      const p = at(m.at);
      const out = new Uint8Array(b.length + m.bytes.length);
      out.set(b.subarray(0, p));
      out.set(m.bytes, p);
      out.set(b.subarray(p), p + m.bytes.length);
      b = out;
    }
  }
  return b;
}

// ---- JSON ----

export type JsonMutation =
  | { kind: 'replace'; path: number[]; value: unknown }
  | { kind: 'delete'; path: number[] }
  | { kind: 'rename'; path: number[]; key: string }
  | { kind: 'wrap'; path: number[] }
  | { kind: 'grow'; path: number[]; times: number };

const treePath = fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 7 });
export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), path: treePath, value: hostileJson }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), path: treePath }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rename' as const), path: treePath, key: hostileName }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrap' as const), path: treePath }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('grow' as const), path: treePath, times: fc.integer({ min: 2, max: 50 }) }) },
);

type Container = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/** Applies one mutation to `root` in place (a walk down `path`, each step picking a child by index); returns the root. */
export function mutateJson(root: unknown, mutation: JsonMutation): unknown {
  // fast-check hands out its constants ([], {}) by reference: a copy goes in, so no later edit reaches them.
  const m = mutation.kind === 'replace' ? { ...mutation, value: structuredClone(mutation.value) } : mutation;
  if (!isContainer(root)) return m.kind === 'replace' ? m.value : root;
  let parent: Container = root;
  let key: string | number = 0;
  for (let depth = 0; ; depth++) {
    const keys: (string | number)[] = Array.isArray(parent) ? parent.map((_, i) => i) : Object.keys(parent);
    if (keys.length === 0) {
      if (m.kind === 'replace' || m.kind === 'rename') {
        if (Array.isArray(parent)) parent.push(m.kind === 'replace' ? m.value : {});
        else
          Object.defineProperty(parent, m.kind === 'rename' ? m.key : 'x', {
            value: m.kind === 'replace' ? m.value : 1,
            enumerable: true,
            writable: true,
            configurable: true,
          });
      }
      return root;
    }
    key = keys[m.path[depth] % keys.length];
    const child = (parent as Record<string | number, unknown>)[key];
    if (depth + 1 >= m.path.length || !isContainer(child)) break;
    parent = child;
  }
  const p = parent as Record<string | number, unknown>;
  const value = p[key];
  if (m.kind === 'replace') p[key] = m.value;
  else if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete p[key];
  } else if (m.kind === 'rename') {
    if (Array.isArray(parent)) p[key] = { [m.key]: value };
    else {
      delete p[key];
      // defineProperty, so a key like __proto__ becomes an own key as JSON.parse would make it.
      Object.defineProperty(parent, m.key, { value, enumerable: true, writable: true, configurable: true });
    }
  } else if (m.kind === 'wrap') p[key] = [value];
  else
    p[key] = Array.isArray(value)
      ? Array.from({ length: value.length * m.times }, (_, i) => value[i % Math.max(1, value.length)])
      : Array(m.times).fill(value);
  return root;
}

/** Edits of the JSON text a tree edit cannot make: non-JSON numbers, truncation, deep nesting, a BOM, junk. */
export type TextMutation =
  | { kind: 'none' }
  | { kind: 'number'; nth: number; literal: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'nest'; depth: number }
  | { kind: 'bom' }
  | { kind: 'bytes'; muts: ByteMutation[] };

export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('number' as const),
      nth: fc.nat({ max: 500 }),
      literal: fc.constantFrom('1e999', '-1e999', 'NaN', 'Infinity', '9007199254740993', '-0', '0x10', '1e-400'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat({ max: 100_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('nest' as const), depth: fc.constantFrom(100, 5000, 20_000) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bom' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('bytes' as const), muts: fc.array(byteMutation, { minLength: 1, maxLength: 3 }) }),
  },
);

export function mutateText(text: string, m: TextMutation): string | Uint8Array {
  switch (m.kind) {
    case 'none':
      return text;
    case 'number': {
      const spots = [...text.matchAll(/-?\d+(\.\d+)?([eE][-+]?\d+)?/g)];
      if (spots.length === 0) return text;
      const s = spots[m.nth % spots.length];
      return text.slice(0, s.index) + m.literal + text.slice(s.index! + s[0].length);
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
    case 'nest': {
      // The nesting goes where the first value starts: inside the top-level container when there is one.
      const at = /^[[{]/.test(text) ? (text.startsWith('{') ? Math.max(1, text.indexOf(':') + 1) : 1) : 0;
      return text.slice(0, at) + '['.repeat(m.depth) + ']'.repeat(m.depth) + (at > 0 && text.length > 2 ? ',' : '') + text.slice(at);
    }
    case 'bom':
      return '\ufeff' + text;
    case 'bytes':
      return mutateBytes(new TextEncoder().encode(text), m.muts);
  }
}

export const describeBytes = (muts: ByteMutation[]): string =>
  JSON.stringify(muts, (_, v) => (v instanceof Uint8Array ? Array.from(v) : v));

// Names from a model file reach C only as identifiers made of [a-z0-9_] and inside comments; a name holding a
// comment opener or closer, a bidi override, a newline or a name of Object.prototype builds warning-free (-Werror)
// and computes what the reference interpreter does.
import { describe, expect, it } from 'vitest';
import { cComment } from '../../src/codegen/c-names.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { maxFloatViolation, runOnHost } from './host-run.ts';

describe('names in generated C', () => {
  it('cComment leaves no comment opener or closer and no invisible or control character', () => {
    for (const s of ['a/*b', 'x*/y', '/*/', '*//*', '/**/', 'r\u202Eevil', 'nl\nx', 'z\u200Bw', '\uD800', 'ok é日本 ??/']) {
      const c = cComment(s);
      expect(c).not.toMatch(/\/\*|\*\//);
      expect(c).not.toMatch(/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u);
    }
    expect(cComment('r\u202Eevil')).toBe('r<U+202E>evil');
    expect(cComment('ok é日本')).toBe('ok é日本');
  });

  it('a model named with /*, */, U+202E, a newline and constructor/__proto__ builds under -Werror and matches the reference', () => {
    const hostile = ['conv /* x', 'y */ z', 'evil\u202Ename', 'two\nlines', 'constructor', '__proto__', 'toString', 'a=b'];
    const b = new GraphBuilder(`model */ /* \u202E`);
    b.input('__proto__', [1, 4]);
    let x = '__proto__';
    hostile.forEach((name, i) => {
      const w = b.constant(
        `${name}.w`,
        Float32Array.from({ length: 16 }, (_, k) => ((k * 7 + i) % 5) / 10 - 0.2),
        [4, 4],
      );
      x = b.node('Dense', [x, w], { activation: 'relu' }, { name: i === hostile.length - 1 ? 'constructor' : `${name}:out`, node: name });
    });
    b.output(x);
    const g = b.build();
    const input = Float32Array.from([0.5, -1, 2, 0.25]);
    const host = runOnHost(g, [input]);
    const inputs: Record<string, Float32Array> = Object.create(null);
    inputs.__proto__ = input;
    const ref = runGraph(g, inputs).outputs.constructor as unknown as Float32Array;
    expect(ref).toBeInstanceOf(Float32Array);
    expect(maxFloatViolation(new Float32Array(host.outputs[0].slice().buffer), ref)).toBeNull();
    const modelC = host.gen.files['model.c'] as string;
    expect(modelC).not.toContain('\u202E');
    expect(modelC).toContain('<U+202E>');
  });
});

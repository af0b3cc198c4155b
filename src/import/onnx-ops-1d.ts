// 1-D Conv, ConvTranspose, pools and BatchNormalization ([N,C,L] tensors, common in audio models) run as the 2-D IR ops on [N,C,1,L],
// with reshapes around them (simplify merges the reshapes between consecutive 1-D layers).
import { ImportProblem, type Act } from './onnx-context.ts';
import { OpCall } from './onnx-op-call.ts';
import { Attrs, type AttrValue } from './onnx-proto-read.ts';

type Handler = (n: OpCall, used: Set<string>) => void;

/** The attributes of a 1-D window op rewritten for a [1, k] window. */
function liftAttrs(a: Attrs): Attrs {
  const m = new Map<string, AttrValue>(a.map);
  const one = (key: string, pad: number) => {
    const v = a.ints(key);
    if (v) m.set(key, [pad, ...v]);
  };
  one('kernel_shape', 1);
  one('strides', 1);
  one('dilations', 1);
  one('output_padding', 0);
  one('output_shape', 1);
  const pads = a.ints('pads');
  if (pads) m.set('pads', [0, pads[0], 0, pads[1]]);
  return new Attrs(m);
}

/** Wraps a 2-D handler so a rank-3 input is reshaped to [N,C,1,L], run, and reshaped back to [N,C',L']. */
export function with1d(handler: Handler): Handler {
  return (n, used) => {
    const x = n.ins[0];
    if (x?.kind !== 'act' || x.shape.length !== 3) return handler(n, used);
    const [N, C, L] = x.shape;
    const lifted = n.ctx.fromOnnxOrder(
      `${x.ir}__2d`,
      [N, C, 1, L],
      (o) => n.ctx.addNode('Reshape', `${n.name}/to_2d`, [x.ir], [o], { shape: n.ctx.tensors[o].shape }),
      n.name,
    );
    const ins = [...n.ins];
    ins[0] = lifted;
    const w = ins[1];
    if (n.op === 'Conv' || n.op === 'ConvTranspose') {
      if (w?.kind !== 'const') throw new ImportProblem('weights (input 1) must be a constant (initializer)');
      ins[1] = { kind: 'const', c: { ...w.c, dims: [w.c.dims[0], w.c.dims[1], 1, w.c.dims[2]] } };
    }
    const tmp = `${n.outs[0]}__2d_out`;
    handler(new OpCall(n.ctx, n.node, n.name, liftAttrs(n.a), ins, [tmp, ...n.outs.slice(1)]), used);
    const y = n.ctx.values.get(tmp) as Act;
    const [, C2, , L2] = y.shape;
    const src = n.ctx.inOnnxOrder(y, `${n.name}/from_2d`);
    const out = n.ctx.defineAct(n.outs[0], [N, C2, L2]);
    n.ctx.addNode('Reshape', `${n.name}/from_2d`, [src], [out.ir], { shape: [N, C2, L2] });
  };
}

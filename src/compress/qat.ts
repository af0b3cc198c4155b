// Quantization-aware training (TFLite int8): starts from the PTQ model's activation ranges, fine-tunes the float weights
// with every int8 activation and per-channel weights fake-quantized (straight-through gradients), then quantizes the
// trained weights with the same ranges. The report gives PTQ and QAT top-1 (int8 reference interpreter) side by side.
import { cloneGraph, type Graph, type TensorData } from '../ir/graph.ts';
import { fuseActivations } from '../ir/optimize.ts';
import { referenceTop1 } from '../reference/top1.ts';
import { prepareInput } from '../reference/model-input.ts';
import { checkQatGraph, fakeQuantWeights, qatForward, type ActQuant } from '../train/fake-quant.ts';
import { logitsTensor } from '../train/train.ts';
import { calibrate } from './calibrate.ts';
import { graphSize, type Pass, type PassReport } from './pass.ts';
import { distillParams, distillTeacher, fineTuneOptions, fineTuneParams, pct, requireDataset, splitData } from './prune-finetune.ts';
import { ArrayAdam, proxyTrain } from './proxy-train.ts';
import { quantizeGraphInt8 } from './quantize-int8.ts';
import { layerRows } from './quantize-int8-report.ts';

/** int8 params of every activation of the PTQ graph that also exists in the float graph. */
function activationQuant(f: Graph, q: Graph): Record<string, ActQuant> {
  const out: Record<string, ActQuant> = Object.create(null);
  for (const [name, t] of Object.entries(q.tensors)) {
    if (t.data || t.dtype !== 'i8' || !t.quant || !f.tensors[name] || f.tensors[name].data) continue;
    out[name] = { scale: t.quant.scale[0], zeroPoint: t.quant.zeroPoint[0] };
  }
  return out;
}

export const qat: Pass = {
  name: 'qat-int8',
  description: 'quantization-aware training (fake-quant + STE, TFLite int8) starting from PTQ; reports PTQ vs QAT top-1',
  calibrationParam: 'calibration_samples',
  params: {
    percentile: { type: 'number', min: 90, max: 100, default: 100, description: 'calibration range: 100 = min/max' },
    calibration_samples: {
      type: 'number',
      min: 1,
      max: 100000,
      integer: true,
      default: 200,
      description: 'calibration samples (data.calibration, else the first training samples)',
    },
    ...fineTuneParams,
    epochs: { type: 'number', min: 0, max: 1000, default: 1, description: 'QAT epochs (0 = PTQ only)' },
    lr: { type: 'number', min: 1e-7, max: 1, default: 1e-4, description: 'Adam learning rate' },
    val_samples: {
      type: 'number',
      min: 0,
      max: 1_000_000,
      integer: true,
      default: 1000,
      description: 'held-out samples for the int8 PTQ/QAT top-1 (reference interpreter)',
    },
    ...distillParams,
    // The float model as teacher: its soft outputs keep the fake-quantized fine-tuning from drifting off what PTQ kept.
    distill: {
      ...distillParams.distill,
      default: 0.5,
      description: "fine-tune against the float model's soft outputs with this weight α (0 = labels only)",
    },
  },
  async run(ir, { params, data }, log) {
    const ds = requireDataset(data, 'qat-int8', 'fine-tune with fake quantization');
    const ft = fineTuneOptions(params);
    const split = splitData(ds, Number(params.samples), Number(params.val_samples), data.validation);
    const fused = cloneGraph(ir);
    fuseActivations(fused);
    checkQatGraph(fused);
    const nCal = Number(params.calibration_samples);
    const calibration: Record<string, TensorData>[] =
      data.calibration?.slice(0, nCal) ??
      Array.from({ length: Math.min(nCal, split.train.size) }, (_, i) => ({
        [fused.inputs[0]]: prepareInput(fused, split.train.get(i).x),
      }));
    log.progress('qat-int8: calibrating');
    const ranges = calibrate(fused, calibration, { percentile: Number(params.percentile) });
    const ptq = quantizeGraphInt8(fused, ranges).graph;
    const evalInt8 = async (g: Graph) => (split.val ? referenceTop1(g, split.val) : undefined);
    const accPtq = await evalInt8(ptq);
    let result = ptq;
    if (ft.epochs > 0) {
      const quant = activationQuant(fused, ptq);
      const logits = logitsTensor(fused);
      const weights = fused.nodes
        .filter((n) => (n.op === 'Dense' || n.op === 'Conv2D') && fused.tensors[n.inputs[1]]?.data)
        .map((n) => n.inputs[1]);
      const real = new Map(
        weights.map((w) => [
          w,
          {
            w: Float32Array.from(fused.tensors[w].data as Float32Array),
            out: fused.tensors[w].shape[0],
            adam: new ArrayAdam(fused.tensors[w].data!.length, ft.lr),
          },
        ]),
      );
      const trained = await proxyTrain(
        fused,
        split.train,
        {
          epochs: ft.epochs,
          batchSize: ft.batchSize,
          lr: ft.lr,
          seed: ft.seed,
          shift: ft.shift,
          teacher: distillTeacher(fused, params),
          onProgress: (e, b, loss, f) =>
            void (b % 50 === 0 && log.progress(`qat-int8: epoch ${e + 1}, batch ${b}, loss ${loss.toFixed(4)}`, f)),
        },
        {
          proxied: weights,
          forwardWeights: (name) => fakeQuantWeights(real.get(name)!.w, real.get(name)!.out),
          // STE: the gradient at the fake-quantized weights updates the float ones.
          update: (name, grad) => real.get(name)!.adam.step(real.get(name)!.w, grad),
          logits: (model, x) => qatForward(model, x, quant, logits),
        },
      );
      result = quantizeGraphInt8(trained, ranges).graph;
    }
    const accQat = ft.epochs > 0 ? await evalInt8(result) : accPtq;
    result.metadata.quantization = { scheme: 'int8', qat: ft.epochs > 0, calibration_samples: calibration.length };
    const before = graphSize(ir);
    const after = graphSize(result);
    const report: PassReport & Record<string, unknown> = {
      name: 'qat-int8',
      options: { ...params },
      params_before: before.params,
      params_after: after.params,
      bytes_before: before.bytes,
      bytes_after: after.bytes,
      accuracy_ptq: accPtq ?? null,
      accuracy_qat: accQat ?? null,
      layers: layerRows(fused, result, calibration.slice(0, 4)),
      notes: [
        `int8 top-1 (reference interpreter) ${split.valLabel}: PTQ ${pct(accPtq)} → QAT ${pct(accQat)} after ${ft.epochs} epochs${Number(params.distill) > 0 ? ` (distilled from the float model, α=${params.distill})` : ''}`,
      ],
    };
    return { ir: result, report };
  },
};

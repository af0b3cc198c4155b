// Knowledge distillation (Hinton et al. 2015): a student learns the teacher's softened outputs at temperature T (loss·T²)
// mixed with the hard labels (weight 1 − α). The teacher may be an ensemble (averaged logits); the student is a given
// model or a thinner copy of the teacher (width multiplier, fresh initialisation).
import { TinyforgeError } from '../diagnostics.ts';
import type { Dataset } from '../data/dataset.ts';
import type { Graph } from '../ir/graph.ts';
import { simplify } from '../ir/optimize.ts';
import { graphStats } from '../ir/stats.ts';
import { initWeights } from '../train/init.ts';
import type { TrainOptions } from '../train/train.ts';
import type { Pass, PassData } from './pass.ts';
import { analyzeChannels } from './prune-channel-groups.ts';
import { removeChannels } from './prune-channel-removal.ts';
import {
  accuracy,
  compareFigures,
  fineTune,
  fineTuneOptions,
  fineTuneParams,
  pct,
  requireDataset,
  splitData,
  type CompressReport,
  type FineTuneOptions,
} from './prune-finetune.ts';

/** Extra inputs a library caller may hand the distill pass (the CLI fills them from --student / --teacher). */
export interface DistillData extends PassData {
  /** The student architecture (its weights are trained from where they are). */
  student?: Graph;
  /** More teachers; their logits are averaged with the pass's input graph. */
  teachers?: Graph[];
}

const fmt = (s: number[]) => `[${s.join(', ')}]`;

/** Refuses a student whose graph inputs or outputs differ in shape from the teacher's ('shape-mismatch'). */
export function checkStudentShapes(teacher: Graph, student: Graph): void {
  const shapes = (g: Graph, names: string[]) => names.map((n) => g.tensors[n]!.shape);
  const problems: string[] = [];
  const pairs: [string, number[][], number[][]][] = [
    ['input', shapes(teacher, teacher.inputs), shapes(student, student.inputs)],
    ['output', shapes(teacher, teacher.outputs), shapes(student, student.outputs)],
  ];
  for (const [what, t, s] of pairs) {
    if (t.length !== s.length || t.some((sh, i) => fmt(sh) !== fmt(s[i]!))) {
      problems.push(`${what}: teacher ${t.map(fmt).join(', ')} vs student ${s.map(fmt).join(', ')}`);
    }
  }
  if (problems.length) {
    throw new TinyforgeError('shape-mismatch', `student "${student.name}" does not fit teacher "${teacher.name}": ${problems.join('; ')}`, {
      notes: problems,
      hint: 'the student must take the same input and give the same output shape as the teacher',
    });
  }
}

/** A thinner copy of `g`: every prunable layer keeps round(width·channels) (≥ 1), with fresh seeded weights. */
export function thinnerCopy(input: Graph, width: number, seed: number): Graph {
  const g = simplify(input); // channels are not traced through an ONNX import's transpose pairs (see prune-structured)
  const a = analyzeChannels(g);
  const remove = new Map<number, number[]>();
  for (const gr of a.prunable()) {
    const keep = Math.max(1, Math.round(width * gr.size));
    if (keep < gr.size)
      remove.set(
        gr.id,
        Array.from({ length: gr.size - keep }, (_, i) => keep + i),
      );
  }
  const thin = removeChannels(g, remove, a);
  thin.name = `${g.name}-x${width}`;
  for (const t of Object.values(thin.tensors)) delete t.mask;
  return initWeights(thin, seed);
}

export interface DistillOptions extends FineTuneOptions {
  temperature: number;
  alpha: number;
}

/** Trains `student` on `ds` against the averaged logits of `teachers`. alpha = 0 is plain label training. */
export async function distillTrain(
  student: Graph,
  teachers: Graph[],
  ds: Dataset,
  o: DistillOptions,
  extra: Partial<TrainOptions> = {},
): Promise<Graph> {
  for (const t of teachers) checkStudentShapes(t, student);
  if (o.alpha <= 0 || o.epochs <= 0) return fineTune(student, ds, o, extra);
  // Lazy: tfjs takes seconds to load and the pass registry is loaded by every CLI command.
  await (await import('../train/backend.ts')).initBackend();
  const { distillationLoss } = await import('../train/losses.ts');
  const teacher = (await import('../train/teacher.ts')).makeTeachers(teachers);
  try {
    return await fineTune(student, ds, o, {
      ...extra,
      loss: ({ x, labels, logits }) => {
        const te = teacher.logits(x, logits.shape);
        const l = distillationLoss(logits, te, labels, { temperature: o.temperature, alpha: o.alpha });
        te.dispose();
        return l;
      },
    });
  } finally {
    teacher.dispose();
  }
}

export const distill: Pass = {
  name: 'distill',
  description: 'knowledge distillation into a smaller student (width multiplier or a given model) at temperature T',
  params: {
    temperature: { type: 'number', min: 0.1, max: 100, default: 4, description: 'softening temperature T (the soft loss is scaled by T²)' },
    alpha: {
      type: 'number',
      min: 0,
      max: 1,
      default: 0.7,
      description: 'weight of the soft (teacher) loss; 1 − alpha weighs the hard labels',
    },
    width: {
      type: 'number',
      min: 0.01,
      max: 1,
      default: 0.5,
      description: 'student = teacher with every hidden layer this much narrower (ignored when a student is given)',
    },
    ...fineTuneParams,
    epochs: { ...fineTuneParams.epochs, min: 1, default: 5, description: 'student training epochs' },
    lr: { ...fineTuneParams.lr, default: 2e-3 },
  },
  async run(ir, { params, data }, log) {
    const ds = requireDataset(data, 'distill', 'train the student');
    const d = data as DistillData;
    const o: DistillOptions = { ...fineTuneOptions(params), temperature: Number(params.temperature), alpha: Number(params.alpha) };
    const teachers = [ir, ...(d.teachers ?? [])];
    const student = d.student ?? thinnerCopy(ir, Number(params.width), o.seed);
    checkStudentShapes(ir, student);
    for (const t of d.teachers ?? []) checkStudentShapes(ir, t);
    const split = splitData(ds, Number(params.samples), Number(params.val_samples), data.validation);
    log.progress(
      `distill: student ${graphStats(student).totals.params} params from ${teachers.length} teacher(s), T=${o.temperature}, alpha=${o.alpha}`,
    );
    const out = await distillTrain(student, teachers, split.train, o);
    const accT = await accuracy(ir, split.val);
    const accS = await accuracy(out, split.val);
    const fig = compareFigures(ir, out, accT, accS);
    const report: CompressReport = {
      name: 'distill',
      options: { ...params },
      ...fig,
      layers: graphStats(out)
        .layers.filter((l) => l.params > 0)
        .map((l) => ({ node: l.node, op: l.op, params: l.params, bytes_before: 0, bytes_after: l.bytes, macs: l.macs })),
      notes: [
        `student ${fig.params_after} params vs teacher ${fig.params_before} (${(fig.params_before / fig.params_after).toFixed(2)}× fewer)${d.student ? ' (given student)' : `, width ${params.width}`}`,
        `top-1 ${split.valLabel}: teacher ${pct(accT)}, student ${pct(accS)}`,
      ],
    };
    return { ir: out, report };
  },
};

// proxyTrain's distillation: with a teacher, the loss follows the teacher's softened outputs, not only the labels.
// The teacher here names every digit one class too high, so a student that learns from it can be told apart from one
// that learns from the labels.
import { describe, expect, it } from 'vitest';
import { proxyTrain } from '../../src/compress/proxy-train.ts';
import { cloneGraph, type Graph } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { argmax } from '../../src/reference/model-input.ts';
import { mlp, mnistSlice, sampleInput, trained } from './prune-fixtures.ts';

/** The same network with its output classes rotated: class c gets the logits of class c − 1. */
function shiftedByOne(g: Graph): Graph {
  const s = cloneGraph(g);
  const w = g.tensors['fc3.w'].data as Float32Array;
  const b = g.tensors['fc3.b'].data as Float32Array;
  const rows = w.length / 10;
  const w2 = new Float32Array(w.length);
  const b2 = new Float32Array(10);
  for (let c = 0; c < 10; c++) {
    const from = (c + 9) % 10;
    w2.set(w.subarray(from * rows, (from + 1) * rows), c * rows);
    b2[c] = b[from];
  }
  s.tensors['fc3.w'].data = w2;
  s.tensors['fc3.b'].data = b2;
  return s;
}

describe('proxyTrain with a teacher', () => {
  it('alpha = 1 trains the student toward the teacher’s classes; alpha = 0 toward the labels', async () => {
    const train = await mnistSlice(2000);
    const test = await mnistSlice(200, 'test');
    const teacher = shiftedByOne(await trained(mlp(1, 32, 16), train, 2));
    const teacherFc1 = Float32Array.from(teacher.tensors['fc1.w'].data as Float32Array);
    const student = mlp(2, 32, 16);
    const noHooks = { proxied: [], forwardWeights: () => new Float32Array(0), update: () => {} };
    const opts = { epochs: 2, batchSize: 64, lr: 2e-3, seed: 1 };
    const fromTeacher = await proxyTrain(student, train, { ...opts, teacher: { graph: teacher, alpha: 1, temperature: 2 } }, noHooks);
    const fromLabels = await proxyTrain(student, train, { ...opts, teacher: { graph: teacher, alpha: 0, temperature: 2 } }, noHooks);
    const shiftedShare = (g: Graph) => {
      let n = 0;
      for (let i = 0; i < test.size; i++) if (argmax(runGraph(g, sampleInput(test, i)).outputs.probs) === (test.get(i).label + 1) % 10) n++;
      return n / test.size;
    };
    expect(shiftedShare(teacher)).toBeGreaterThan(0.7);
    expect(shiftedShare(fromTeacher)).toBeGreaterThan(0.6);
    expect(shiftedShare(fromLabels)).toBeLessThan(0.1);
    // The teacher's weights are not trained.
    expect(teacher.tensors['fc1.w'].data).toEqual(teacherFc1);
  }, 60_000);
});

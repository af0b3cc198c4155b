// `tinyforge robustness`: clean and robust top-1 per attack and ε for the float model, its int8 version on the host,
// and — with --board — the int8 model on the device (float-crafted examples streamed over serial, and the query
// attack run against the device itself).
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TinyforgeError } from '../../diagnostics.ts';
import type { Graph } from '../../ir/graph.ts';
import { loadBoard } from '../../build/boards.ts';
import type { LoadedProject } from '../../codegen/project.ts';
import type { DeviceSession } from '../../device/device-session.ts';
import { ATTACK_NAMES } from '../../defend/names.ts';
import { inputDomain } from '../../defend/input-domain.ts';
import type { RobustnessSubject } from '../../defend/robustness.ts';
import type { PreprocessFlags } from '../steps.ts';
import { log, printJson, progress, table } from '../output.ts';
import { datasetOptions, loadDatasetFor, positiveInteger, requireLabels, type DatasetFlags } from '../dataset-options.ts';
import { preprocessOptions } from './compile.ts';

interface RobustnessFlags extends DatasetFlags, PreprocessFlags {
  board?: string;
  attack: string;
  eps: string;
  epsL2: string;
  queryEps?: string;
  samples: number;
  querySamples: number;
  queries: number;
  steps: number;
  dataset: string;
  quantize: string;
  calibrationSamples: number;
  out?: string;
  force?: boolean;
  seed: number;
  json?: boolean;
}

const num = (v: string) => Number(v);
const list = (v: string) => v.split(',').map((s) => Number(s.trim()));
const isFloat = (g: Graph) => !Object.values(g.tensors).some((t) => t.dtype === 'i8');

/** The float model (and a compile folder's project): from the folder's manifest, or the model file itself. */
async function loadFloat(path: string, opts: RobustnessFlags): Promise<{ float: Graph; floatPath: string; project?: LoadedProject }> {
  const { loadProject, MANIFEST } = await import('../../codegen/project.ts');
  const { loadModelWithPreprocess } = await import('../steps.ts');
  if (existsSync(path) && statSync(path).isDirectory()) {
    if (!existsSync(join(path, MANIFEST))) {
      throw new TinyforgeError('bad-argument', `${path} is a folder but not a tinyforge compile output (no ${MANIFEST})`, {
        location: { file: path },
        hint: 'pass a model file, or a folder written by `tinyforge compile`/`deploy`',
      });
    }
    const project = loadProject(path);
    const floatPath = project.manifest.model.path;
    return { float: await loadModelWithPreprocess(floatPath, opts), floatPath, project };
  }
  return { float: await loadModelWithPreprocess(path, opts), floatPath: path };
}

/** The compressed model: the compile folder's, or the model file quantized here. */
async function compressedModel(path: string, float: Graph, opts: RobustnessFlags, project?: LoadedProject): Promise<Graph | undefined> {
  const { prepareModel } = await import('../steps.ts');
  if (project) return isFloat(project.graph) ? undefined : project.graph;
  if (opts.quantize === 'none') return undefined;
  const prepared = await prepareModel({
    modelPath: path,
    model: float,
    quantize: opts.quantize,
    dataset: opts.dataset,
    datasetEncoding: opts.datasetEncoding,
    labelColumn: opts.labelColumn,
    calibrationSamples: opts.calibrationSamples,
  });
  return isFloat(prepared.graph) ? undefined : prepared.graph;
}

/** Compiles (unless given a compile folder for this board), builds and starts the board; returns the open session. */
async function startDevice(
  path: string,
  boardId: string,
  opts: RobustnessFlags,
  project?: LoadedProject,
): Promise<{ session: DeviceSession; graph: Graph }> {
  const { loadProject } = await import('../../codegen/project.ts');
  const { buildProject } = await import('../../build/build-project.ts');
  const { openDevice } = await import('../../device/device-session.ts');
  const { compileModel } = await import('../steps.ts');
  const board = loadBoard(boardId);
  let p = project;
  if (!p || p.manifest.board !== board.id) {
    const outDir = opts.out ?? join('out', `${basename(path).replace(/\.[^.]+$/, '')}-${board.id}`);
    log(`compiling for ${board.id} into ${outDir} …`);
    await compileModel({
      modelPath: p ? p.manifest.model.path : path,
      boardId: board.id,
      quantize: opts.quantize,
      dataset: opts.dataset,
      datasetEncoding: opts.datasetEncoding,
      labelColumn: opts.labelColumn,
      calibrationSamples: opts.calibrationSamples,
      outDir,
      force: !!opts.force,
      lib: false,
      preprocess: { inputScale: opts.inputScale, mean: opts.mean, std: opts.std },
    });
    p = loadProject(outDir);
  }
  log(`building firmware for ${board.id} …`);
  const fw = await buildProject(p, board);
  log(`starting ${board.id} …`);
  return { session: await openDevice(board, fw.elfPath), graph: p.graph };
}

export function register(program: Command): void {
  const cmd = program
    .command('robustness')
    .description('clean and robust top-1 under attacks at several ε: float model, compressed model on the host, and on a board')
    .argument('<model>', 'float model file (.onnx, model.json, .tflite) or a folder written by `tinyforge compile`');
  datasetOptions(preprocessOptions(cmd), 'labelled test data (its train split calibrates --quantize int8)', { required: true })
    .option(
      '--board <id>',
      'also run the compressed model on this board: transferred examples streamed over serial, and the query attack against the device instead of its host copy',
    )
    .option('--attack <names>', `comma-separated attacks: ${ATTACK_NAMES.join(', ')}`, ATTACK_NAMES.join(','))
    .option('--eps <list>', 'L∞ budgets in the preprocessed input space, comma-separated', '0.05,0.1,0.2')
    .option('--eps-l2 <list>', 'L2 budgets for pgd-l2, comma-separated', '1,2')
    .option('--samples <n>', 'test images for the white-box attacks', positiveInteger('samples'), 500)
    .option('--query-samples <n>', 'test images for the query attack (one inference per query)', num, 10)
    .option('--queries <n>', 'query budget per image for the query attack', num, 200)
    .option('--query-eps <list>', 'L∞ budgets for the query attack (default: the middle one of --eps)')
    .option('--steps <n>', 'PGD steps', num, 20)
    .option('--quantize <mode>', "compressed model: 'int8' (PTQ calibrated on --dataset) or 'none'", 'int8')
    .option(
      '--calibration-samples <n>',
      'training samples int8 ranges are calibrated on (the first n of the train split)',
      positiveInteger('calibration-samples'),
      200,
    )
    .option('-o, --out <dir>', 'compile folder for --board (default out/<model>-<board>)')
    .option('--force', 'replace a compile folder that tinyforge did not write')
    .option('--seed <n>', 'seeds random starts', num, 0)
    .option('--json', 'print the report as JSON on stdout')
    .addHelpText(
      'after',
      '\nExample:\n  $ tinyforge robustness examples/mnist-cnn/model.onnx --dataset mnist --attack pgd,square --eps 0.1 --board mps2-an386 --json',
    )
    .action(async (path: string, opts: RobustnessFlags) => {
      // tfjs loads only when this command runs, not for every CLI command.
      const { checkRobustnessOptions, measureRobustness } = await import('../../defend/robustness.ts');
      const { deviceSubject, floatSubject, referenceSubject } = await import('../../defend/subjects.ts');
      const attacks = opts.attack
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const eps = list(opts.eps);
      const epsL2 = list(opts.epsL2);
      // One inference per query, each over serial with --board: one budget by default keeps the command to minutes.
      const queryEps =
        opts.queryEps !== undefined ? list(opts.queryEps) : [[...eps].sort((a, b) => a - b)[Math.floor((eps.length - 1) / 2)]!];
      const { float, floatPath, project } = await loadFloat(path, opts);
      // The test samples are read and checked before anything is quantized, built or started.
      const test = await loadDatasetFor(float, opts, { split: 'test', limit: opts.samples });
      requireLabels(test, 'robustness (clean and robust top-1)');
      const compressed = await compressedModel(path, float, opts, project);
      const domain = inputDomain(float, test, floatPath);
      const floatS = floatSubject(float, domain);
      const subjects: RobustnessSubject[] = [floatS];
      // With a board, the query attack runs against the device; the host copy of the same bytes would only repeat it.
      if (compressed) subjects.push({ ...referenceSubject(compressed, 'int8'), queryAttack: !opts.board });
      let session: DeviceSession | undefined;
      try {
        const base = {
          float,
          subjects,
          dataset: test,
          attacks,
          eps,
          epsL2,
          samples: opts.samples,
          querySamples: opts.querySamples,
          queries: opts.queries,
          queryEps,
          steps: opts.steps,
          seed: opts.seed,
          file: floatPath,
        };
        // Validate every flag before compiling or starting anything slow.
        checkRobustnessOptions(base);
        if (opts.board) {
          const dev = await startDevice(path, opts.board, opts, project);
          session = dev.session;
          subjects.push(deviceSubject(session, dev.graph, isFloat(dev.graph) ? 'float' : 'int8'));
        }
        let bar: ((d: number, t: number) => void) | undefined;
        let label = '';
        const report = await measureRobustness({
          ...base,
          onProgress: (m, d, t) => {
            if (m !== label) {
              label = m;
              bar = progress(m);
            }
            bar?.(d, t);
          },
        });
        const result = { model: path, dataset: opts.dataset, board: opts.board ?? null, ...report };
        if (opts.json) printJson(result);
        else {
          const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
          process.stdout.write(
            table(
              ['model', 'where', 'clean top-1', 'samples'],
              report.models.map((m) => [m.model, m.where, pct(m.clean_top1), m.samples]),
            ) + '\n\n',
          );
          process.stdout.write(
            table(
              ['attack', 'ε', 'model', 'where', 'crafted against', 'robust top-1', 'samples'],
              report.attacks.map((r) => [
                r.name,
                String(r.eps),
                r.model,
                r.where,
                r.transferred ? `${r.crafted_against} (transferred)` : r.crafted_against,
                pct(r.robust_top1),
                r.samples,
              ]),
            ) + '\n',
          );
        }
      } finally {
        floatS.dispose();
        await session?.close();
      }
    });
}

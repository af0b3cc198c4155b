// sweep.json: what a sweep ran and measured, one row per job, with the Pareto fronts and the recommendation.
import type { Diagnostic } from '../diagnostics.ts';
import type { RunFigures } from './figures.ts';
import type { Limits } from './pareto.ts';

export interface SweepSpec {
  models: string[];
  recipes: string[];
  boards: string[];
  dataset: string;
  samples: number;
  calibration_samples: number;
  /** --dataset-encoding, for an MLPerf-style folder not named kws01/vww01/ic01/ad01. */
  dataset_encoding?: string;
  /** --label-column, for a CSV dataset. */
  label_column?: string;
  limits: Limits;
  no_cache?: boolean;
  /** --tune: every job deploys with --tune (each layer's fastest exact kernel set, timed on the board's emulator). */
  tune?: boolean;
}

export interface SweepRow {
  id: string;
  name: string;
  model: string;
  model_path: string;
  recipe: string;
  board: string;
  status: 'ok' | 'failed' | 'pending';
  command: string;
  figures: RunFigures | null;
  error: Pick<Diagnostic, 'code' | 'message' | 'hint' | 'notes'> | null;
  compression_cached: boolean | null;
  worker: string | null;
  wall_ms: number | null;
  /** On its board's Pareto front (top-1, latency, flash, RAM). */
  pareto: boolean;
  /** Within every limit; null until measured. */
  meets_limits: boolean | null;
  limit_failures: string[];
  /** Its report.json, relative to sweep.json. */
  report: string | null;
}

export interface SweepRecord {
  tool: { name: 'tinyforge'; version: string };
  id: string;
  /** 'local' (this process, `workers` at once) or the Redis URL of the queue. */
  queue: string;
  workers: number | null;
  spec: SweepSpec;
  created_at: string;
  updated_at: string;
  /** Wall time of the runs that made it (a resumed sweep adds its own). */
  wall_ms: number;
  done: number;
  total: number;
  jobs: SweepRow[];
  pareto: Record<string, string[]>;
  recommended: { id: string; name: string; command: string; rule: string } | null;
  /** How to re-attach to this sweep. */
  resume: string;
  /** The folder the sweep was started in: its relative model, recipe and dataset paths name files there. */
  started_in?: string;
}

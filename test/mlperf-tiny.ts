// Where the committed MLPerf Tiny fixtures live, resolved from this file so a test finds them from any working directory.
import { fileURLToPath } from 'node:url';

/** examples/mlperf-tiny/ in this checkout (absolute, with a trailing slash). */
export const MLPERF_TINY = fileURLToPath(new URL('../examples/mlperf-tiny/', import.meta.url));

/** An MLPerf Tiny fixture by its path inside examples/mlperf-tiny/, e.g. `kws01/models/kws_ref_model.tflite`. */
export const mlperfTiny = (rel: string): string => MLPERF_TINY + rel;

// The names a generated library shows a firmware project: its package/component/library name, its header, its C entry
// points and macro prefix, and the Kconfig symbols of the formats that have them. Every packaging format takes its
// names from here, so the names of the generated C and of the packages around it change together.
import { sanitizeCName } from './c-names.ts';

export interface LibraryNames {
  /** `[a-z0-9_]` identifier of the model (from the graph's name). */
  id: string;
  /** The package, component, module and CMake target name: `tinyforge_<id>`. */
  packageName: string;
  /** The header a firmware includes (model.h declares the whole API). */
  header: string;
  /** The C functions model.h declares. */
  initFunction: string;
  runFunction: string;
  /** Prefix of model.h's macros: `<prefix>_INPUT_BYTES`, `<prefix>_OUTPUT0_ELEMENTS` … */
  macroPrefix: string;
  /** Kconfig symbol prefix (ESP-IDF and Zephyr): `TINYFORGE_<ID>`. */
  kconfigPrefix: string;
}

/** The names of the library generated for a graph called `modelName`. */
export function libraryNames(modelName: string): LibraryNames {
  const id = sanitizeCName(modelName);
  return {
    id,
    packageName: `tinyforge_${id}`,
    header: 'model.h',
    initFunction: 'tfg_model_init',
    runFunction: 'tfg_model_run',
    macroPrefix: 'TFG_MODEL',
    kconfigPrefix: `TINYFORGE_${id.toUpperCase()}`,
  };
}

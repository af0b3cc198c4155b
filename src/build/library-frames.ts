// Stack used by the library routines a firmware calls but does not compile (libgcc's soft-float and division helpers,
// newlib's memcpy, libm's expf …): read from the very archives the link uses (the board's multilib), by disassembling
// them with the toolchain's objdump. A routine's frame is the sum of every stack decrement in its body (pushes, vpush,
// `sub sp`, pre-decrement stores; Arm Thumb and RISC-V), its depth that frame plus its deepest callee's.
import { execFile } from 'node:child_process';
import { TinyforgeError } from '../diagnostics.ts';
import type { Board } from './boards.ts';

export interface LibraryRoutine {
  name: string;
  frameBytes: number;
  callees: Set<string>;
  /** It moves the stack pointer by a register amount (a run-time sized frame): no bound. */
  unbounded: boolean;
}

const run = (cmd: string, args: string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 256 << 20, timeout: 60_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });

/** The tool beside the board's C compiler (arm-none-eabi-gcc → arm-none-eabi-objdump). */
export const binutil = (board: Board, tool: string): string => board.compiler.command.replace(/gcc$/, tool);

/** The archives the board's link pulls library code from, for its multilib (cflags pick it). */
export async function libraryArchives(board: Board): Promise<string[]> {
  const gcc = board.compiler.command;
  const flags = [...board.cflags, ...board.ldflags.filter((f) => f.startsWith('--specs='))];
  const archives = [(await run(gcc, [...flags, '-print-libgcc-file-name'])).trim()];
  if (!board.ldflags.includes('-nostdlib')) {
    const libc = board.ldflags.includes('--specs=nano.specs') ? 'libc_nano.a' : 'libc.a';
    archives.push((await run(gcc, [...flags, `-print-file-name=${libc}`])).trim());
    if (board.ldflags.includes('-lm')) archives.push((await run(gcc, [...flags, '-print-file-name=libm.a'])).trim());
  }
  // gcc prints the bare name back when it has no such file.
  return archives.filter((a) => a.includes('/'));
}

const regCount = (list: string): number =>
  list
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean)
    .reduce((n, r) => {
      const range = /^([a-z]+)(\d+)-[a-z]+(\d+)$/.exec(r);
      return n + (range ? Number(range[3]) - Number(range[2]) + 1 : 1);
    }, 0);
const regBytes = (list: string): number => {
  const first = list.trim()[0];
  return regCount(list) * (first === 'd' ? 8 : 4);
};

/** Bytes one instruction moves the stack pointer down by; 'register' for a run-time amount. */
export function stackDecrement(mnemonic: string, operands: string): number | 'register' {
  const m = mnemonic.replace(/\.(w|n)$/, '');
  if (m === 'push' || (m === 'stmdb' && operands.startsWith('sp!'))) return regBytes(/\{([^}]*)\}/.exec(operands)?.[1] ?? '');
  if (m === 'vpush' || (m === 'vstmdb' && operands.startsWith('sp!'))) return regBytes(/\{([^}]*)\}/.exec(operands)?.[1] ?? '');
  if ((m === 'sub' || m === 'subw' || m === 'subs') && /^sp, (sp, )?/.test(operands)) {
    const imm = /#(\d+)/.exec(operands);
    if (imm) return Number(imm[1]);
    if (/^sp, (sp, )?[a-z]+\d*\b/.test(operands)) return 'register';
  }
  const pre = /\[sp, #-(\d+)\]!/.exec(operands);
  if (pre && /^(str|strd|strb|strh)$/.test(m)) return Number(pre[1]);
  // RISC-V: addi sp,sp,-N (also what c.addi16sp / c.addi disassemble to); add/sub sp,sp,<reg>.
  if ((m === 'addi' || m === 'c.addi16sp' || m === 'c.addi') && /^sp,(sp,)?-\d+$/.test(operands))
    return Number(/-(\d+)$/.exec(operands)![1]);
  if ((m === 'sub' || m === 'add') && /^sp,sp,[a-z]+\d*$/.test(operands)) return 'register';
  return 0;
}

const CALL_RELOCS =
  /^\s+[0-9a-f]+: (R_ARM_THM_CALL|R_ARM_CALL|R_ARM_THM_JUMP24|R_ARM_JUMP24|R_ARM_THM_JUMP19|R_RISCV_CALL|R_RISCV_CALL_PLT|R_RISCV_JAL)\s+(\S+)/;
/** Calls and jumps (a jump into another routine is a tail call: its frame counts too). */
const BRANCH = /^(b|cb|j|call|tail)/;

/** Parses `objdump -d -r -t` of one archive: every routine by each of its names (aliases share a body). */
export function parseObjdump(text: string): Map<string, LibraryRoutine> {
  const routines = new Map<string, LibraryRoutine>();
  // Per member: the symbol table (section, address → names), then the disassembly by label.
  let aliases = new Map<string, string[]>();
  let section = '';
  let current: LibraryRoutine | null = null;
  const finish = () => {
    current = null;
  };
  for (const line of text.split('\n')) {
    if (/:\s+file format /.test(line)) {
      aliases = new Map();
      finish();
      continue;
    }
    // "00000000 g     F .text\t00000120 .hidden __divsi3": address, 7 flag columns, section, size, name.
    const sym = /^([0-9a-f]{8,16}) .{7} (\S+)\t[0-9a-f]+ (?:\.hidden )?(\S+)$/.exec(line);
    if (sym && sym[2] !== '*UND*') {
      const key = `${sym[2]}@${parseInt(sym[1], 16)}`;
      aliases.set(key, [...(aliases.get(key) ?? []), sym[3]]);
      continue;
    }
    const sec = /^Disassembly of section (\S+):$/.exec(line);
    if (sec) {
      section = sec[1];
      finish();
      continue;
    }
    const label = /^([0-9a-f]+) <([^>]+)>:$/.exec(line);
    if (label) {
      const r: LibraryRoutine = { name: label[2], frameBytes: 0, callees: new Set(), unbounded: false };
      for (const n of new Set([label[2], ...(aliases.get(`${section}@${parseInt(label[1], 16)}`) ?? [])])) {
        if (!routines.has(n)) routines.set(n, r);
      }
      current = r;
      continue;
    }
    const cur = current as LibraryRoutine | null;
    if (!cur) continue;
    const reloc = CALL_RELOCS.exec(line);
    if (reloc) {
      if (!reloc[2].startsWith('.')) cur.callees.add(reloc[2].replace(/[+-]0x[0-9a-f]+$/, ''));
      continue;
    }
    // "   1a:\tb580      \tpush\t{r7, lr}": address, bytes, mnemonic, operands (and a comment after @ or #).
    const cols = line.split('\t');
    if (cols.length < 3 || !/^\s+[0-9a-f]+:$/.test(cols[0])) continue;
    const mnemonic = cols[2].trim();
    const operands = (cols[3] ?? '')
      .replace(/\s*[@;].*$/, '')
      .replace(/\s+# .*$/, '')
      .trim();
    const d = stackDecrement(mnemonic, operands);
    if (d === 'register') cur.unbounded = true;
    else cur.frameBytes += d;
    if (BRANCH.test(mnemonic)) {
      const target = /<([^>+]+)(\+0x[0-9a-f]+)?>/.exec(operands);
      if (target && target[1] !== cur.name) cur.callees.add(target[1]);
    }
  }
  return routines;
}

const cache = new Map<string, Promise<Map<string, LibraryRoutine>>>();

/** Every routine of the board's libraries, by name (the first archive that defines a name wins, as in the link). */
export async function libraryRoutines(board: Board): Promise<Map<string, LibraryRoutine>> {
  const objdump = binutil(board, 'objdump');
  const archives = await libraryArchives(board);
  const all = new Map<string, LibraryRoutine>();
  for (const a of archives) {
    const key = `${objdump} ${a}`;
    if (!cache.has(key)) cache.set(key, run(objdump, ['-d', '-r', '-t', a]).then(parseObjdump));
    let routines: Map<string, LibraryRoutine>;
    try {
      routines = await cache.get(key)!;
    } catch (e) {
      cache.delete(key);
      throw new TinyforgeError('missing-toolchain', `${objdump} could not read ${a}: ${(e as Error).message.split('\n')[0]}`, {
        location: { file: board.file, field: 'compiler.command' },
        hint: `the stack plan reads the libraries' frames with ${objdump}: install the binutils that come with ${board.compiler.command} (${board.compiler.debianPackage})`,
      });
    }
    for (const [n, r] of routines) if (!all.has(n)) all.set(n, r);
  }
  return all;
}

/** Deepest stack of a library routine and what it calls, with the chain; null when a routine on it has no bound. */
export function libraryDepth(
  routines: Map<string, LibraryRoutine>,
  name: string,
  seen: Set<string> = new Set(),
): { bytes: number; chain: string[] } | null {
  const r = routines.get(name);
  if (!r) return null;
  if (r.unbounded || seen.has(name)) return null;
  seen.add(name);
  let deepest: { bytes: number; chain: string[] } = { bytes: 0, chain: [] };
  for (const c of r.callees) {
    const d = libraryDepth(routines, c, seen);
    if (!d) {
      seen.delete(name);
      return null;
    }
    if (d.bytes > deepest.bytes) deepest = d;
  }
  seen.delete(name);
  return { bytes: r.frameBytes + deepest.bytes, chain: [`${name} ${r.frameBytes}`, ...deepest.chain] };
}

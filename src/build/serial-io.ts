// The serial firmware's I/O buffers (templates/main/serial-main.c.hbs): static arrays sized from the model, one that
// receives a COBS frame holding the input and one the model writes its output into. Their sizes here follow the C
// macros exactly, so the fit check and the report count them before anything is built.
import { ioLayout } from '../codegen/io-layout.ts';
import type { Graph } from '../ir/graph.ts';

/** TFG_FRAME_HEADER_BYTES and TFG_FRAME_CRC_BYTES (firmware/runtime/tfg_link.h). */
const FRAME_HEADER_BYTES = 8;
const FRAME_CRC_BYTES = 2;

/** TFG_FRAME_CAPACITY(n): a receive buffer for a body of n bytes (COBS adds one byte per 254, plus one). */
export function frameCapacity(n: number): number {
  return n + FRAME_HEADER_BYTES + FRAME_CRC_BYTES + Math.floor((n + 10) / 254) + 2;
}

export interface SerialIoBytes {
  /** The receive buffer: TFG_RX_WORDS words. */
  rxBytes: number;
  /** The output buffer: TFG_OUTPUT_WORDS words (one spare). */
  outputBytes: number;
  totalBytes: number;
}

/** Bytes of static RAM the serial firmware's I/O buffers take for graph `g`. */
export function serialIoBytes(g: Graph): SerialIoBytes {
  const { inputBytes, outputBytes } = ioLayout(g);
  const rxBytes = 4 * Math.ceil(frameCapacity(inputBytes) / 4);
  const out = 4 * (Math.ceil(outputBytes / 4) + 1);
  return { rxBytes, outputBytes: out, totalBytes: rxBytes + out };
}

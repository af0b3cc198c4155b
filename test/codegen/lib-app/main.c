/* main.c: a stand-in for a user's own firmware that embeds a tinyforge model library (issue 3 item 8).
 * It only uses model.h: sizes from TFG_MODEL_* macros, tfg_model_init with the static arena, tfg_model_run without a hook.
 * usage: app in.bin out.bin — runs every input in in.bin, writes the outputs to out.bin (stdio: host files, or
 * semihosting on QEMU). Prints the model hash and arena size so the test sees the header's macros. */
#include <stdint.h>
#include <stdio.h>
#include "model.h"

static uint32_t input[(TFG_MODEL_INPUT_BYTES + 3) / 4];
static uint32_t output[(TFG_MODEL_OUTPUT_BYTES + 3) / 4];

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  FILE *in = fopen(argv[1], "rb");
  FILE *out = fopen(argv[2], "wb");
  if (!in || !out) return 2;
  if (tfg_model_init(NULL, 0) != 0) return 3;
  printf("model hash 0x%08lx arena %lu layers %d\n", (unsigned long)TFG_MODEL_HASH, (unsigned long)TFG_MODEL_ARENA_BYTES,
         (int)TFG_MODEL_NUM_LAYERS);
  while (fread(input, 1, TFG_MODEL_INPUT_BYTES, in) == TFG_MODEL_INPUT_BYTES) {
    if (tfg_model_run(input, output, NULL, NULL) != 0) return 4;
    fwrite(output, 1, TFG_MODEL_OUTPUT_BYTES, out);
  }
  fclose(in);
  fclose(out);
  return 0;
}

/* host-harness.c: runs a generated model on the host for tests. argv[1]: input file holding K inputs back to back
 * (TFG_MODEL_INPUT_BYTES each); argv[2]: output file (K outputs); argv[3] (optional): per-layer dump of the first
 * inference through the layer hook, records of (int32 layer, uint32 bytes, bytes). Independent of the device's serial main. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "model.h"

/* uint32_t storage keeps float inputs aligned */
static uint32_t input_buf[(TFG_MODEL_INPUT_BYTES + 3) / 4];
static uint32_t output_buf[(TFG_MODEL_OUTPUT_BYTES + 3) / 4];

static void dump_layer(void *ctx, int32_t layer, const void *output, uint32_t output_bytes) {
  FILE *f = (FILE *)ctx;
  fwrite(&layer, sizeof layer, 1, f);
  fwrite(&output_bytes, sizeof output_bytes, 1, f);
  fwrite(output, 1, output_bytes, f);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s input.bin output.bin [layers.bin]\n", argv[0]);
    return 2;
  }
  FILE *in = fopen(argv[1], "rb");
  FILE *out = fopen(argv[2], "wb");
  FILE *layers = argc > 3 ? fopen(argv[3], "wb") : NULL;
  if (!in || !out || (argc > 3 && !layers)) {
    fprintf(stderr, "cannot open files\n");
    return 2;
  }
  if (tfg_model_init() != 0) return 3;
  int32_t k = 0;
  while (fread(input_buf, 1, TFG_MODEL_INPUT_BYTES, in) == TFG_MODEL_INPUT_BYTES) {
    memset(output_buf, 0xA5, sizeof output_buf); /* a layer that forgets to write shows up */
    int32_t status = tfg_model_run(input_buf, output_buf, k == 0 && layers ? dump_layer : NULL, layers);
    if (status != 0) {
      fprintf(stderr, "tfg_model_run failed on input %d: %d\n", (int)k, (int)status);
      return 4;
    }
    fwrite(output_buf, 1, TFG_MODEL_OUTPUT_BYTES, out);
    ++k;
  }
  fclose(in);
  fclose(out);
  if (layers) fclose(layers);
  return k > 0 ? 0 : 5;
}

/* host-harness.c: runs a generated model on the host for tests, independent of the device's serial main.
 * usage: harness in.bin out.bin input_bytes output_bytes [layers.bin]
 * in.bin holds K inputs back to back; out.bin gets K outputs; layers.bin gets the first inference's per-layer outputs
 * through the layer hook as records (int32 layer, uint32 bytes, bytes). Sizes come from argv (the test reads them from
 * the generated model.h) so this file compiles once for every model. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*tfg_layer_hook)(void *ctx, int32_t layer, const void *output, uint32_t output_bytes);
int32_t tfg_model_init(void *arena, size_t size);
int32_t tfg_model_run(const void *input, void *output, tfg_layer_hook hook, void *ctx);

static void dump_layer(void *ctx, int32_t layer, const void *output, uint32_t output_bytes) {
  FILE *f = (FILE *)ctx;
  fwrite(&layer, sizeof layer, 1, f);
  fwrite(&output_bytes, sizeof output_bytes, 1, f);
  if (output_bytes > 0u) fwrite(output, 1, output_bytes, f); /* a fused layer: (NULL, 0) */
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s in.bin out.bin input_bytes output_bytes [layers.bin]\n", argv[0]);
    return 2;
  }
  const size_t in_bytes = (size_t)strtoul(argv[3], NULL, 10);
  const size_t out_bytes = (size_t)strtoul(argv[4], NULL, 10);
  FILE *in = fopen(argv[1], "rb");
  FILE *out = fopen(argv[2], "wb");
  FILE *layers = argc > 5 ? fopen(argv[5], "wb") : NULL;
  /* malloc'd buffers of exactly the model's sizes, so ASan catches any read or write past them */
  void *input = malloc(in_bytes);
  void *output = malloc(out_bytes);
  if (!in || !out || (argc > 5 && !layers) || !input || !output) {
    fprintf(stderr, "cannot open files or allocate buffers\n");
    return 2;
  }
  if (tfg_model_init(NULL, 0) != 0) return 3;
  int32_t k = 0;
  while (fread(input, 1, in_bytes, in) == in_bytes) {
    memset(output, 0xA5, out_bytes); /* a layer that forgets to write shows up */
    const int32_t status = tfg_model_run(input, output, k == 0 && layers ? dump_layer : NULL, layers);
    if (status != 0) {
      fprintf(stderr, "tfg_model_run failed on input %d: %d\n", (int)k, (int)status);
      return 4;
    }
    fwrite(output, 1, out_bytes, out);
    ++k;
  }
  fclose(in);
  fclose(out);
  if (layers) fclose(layers);
  free(input);
  free(output);
  return k > 0 ? 0 : 5;
}

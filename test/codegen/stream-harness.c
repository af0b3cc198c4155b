/* stream-harness.c: runs a model compiled with --stream one frame at a time, as a wake-word firmware would.
 * usage: harness in.bin out.bin frame_bytes steps output_bytes
 * in.bin holds K sequences of `steps` frames back to back; for each, tfg_model_reset() and then tfg_model_step() per
 * frame; out.bin gets every step's output (K × steps outputs). Sizes come from argv (read from the generated model.h). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int32_t tfg_model_init(void *arena, size_t size);
void tfg_model_reset(void);
int32_t tfg_model_step(const void *input, void *output);

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: %s in.bin out.bin frame_bytes steps output_bytes\n", argv[0]);
    return 2;
  }
  const size_t frame_bytes = (size_t)strtoul(argv[3], NULL, 10);
  const long steps = strtol(argv[4], NULL, 10);
  const size_t out_bytes = (size_t)strtoul(argv[5], NULL, 10);
  FILE *in = fopen(argv[1], "rb");
  FILE *out = fopen(argv[2], "wb");
  /* malloc'd buffers of exactly one frame and one output, so ASan catches any access past them */
  void *frame = malloc(frame_bytes);
  void *output = malloc(out_bytes);
  if (!in || !out || !frame || !output) {
    fprintf(stderr, "cannot open files or allocate buffers\n");
    return 2;
  }
  if (tfg_model_init(NULL, 0) != 0) return 3;
  int32_t k = 0;
  for (;; ++k) {
    tfg_model_reset();
    long t = 0;
    for (; t < steps && fread(frame, 1, frame_bytes, in) == frame_bytes; ++t) {
      memset(output, 0xA5, out_bytes); /* a step that forgets to write shows up */
      const int32_t status = tfg_model_step(frame, output);
      if (status != 0) {
        fprintf(stderr, "tfg_model_step failed on sequence %d step %ld: %d\n", (int)k, t, (int)status);
        return 4;
      }
      fwrite(output, 1, out_bytes, out);
    }
    if (t < steps) break;
  }
  fclose(in);
  fclose(out);
  free(frame);
  free(output);
  return k > 0 ? 0 : 5;
}

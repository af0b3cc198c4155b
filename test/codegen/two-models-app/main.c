/* main.c: a stand-in for a firmware that embeds two tinyforge model libraries, generated with --name a and --name b.
 * usage: app a_in.bin b_in.bin a_out.bin b_out.bin
 * Runs every input of each model twice: first each model in its static default arena, then both in turn in one
 * shared arena sized to the larger of the two (each output file gets both passes back to back). Prints the codes
 * a_init returns for a too small and a misaligned arena, and what the quantize/dequantize helpers give. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "a.h"
#include "b.h"

#define MAX(x, y) ((x) > (y) ? (x) : (y))

static uint32_t a_input[(A_INPUT_BYTES + 3) / 4];
static uint32_t a_output[(A_OUTPUT_BYTES + 3) / 4];
static uint32_t b_input[(B_INPUT_BYTES + 3) / 4];
static uint32_t b_output[(B_OUTPUT_BYTES + 3) / 4];
static uint32_t shared_arena[(MAX(A_ARENA_BYTES, B_ARENA_BYTES) + 3) / 4];

static int run_all(FILE *in, FILE *out, int which) {
  size_t in_bytes = which == 0 ? A_INPUT_BYTES : B_INPUT_BYTES;
  void *input = which == 0 ? (void *)a_input : (void *)b_input;
  while (fread(input, 1, in_bytes, in) == in_bytes) {
    if ((which == 0 ? a_run(a_input, a_output, NULL, NULL) : b_run(b_input, b_output, NULL, NULL)) != 0) return 4;
    if (which == 0)
      fwrite(a_output, 1, A_OUTPUT_BYTES, out);
    else
      fwrite(b_output, 1, B_OUTPUT_BYTES, out);
  }
  return 0;
}

int main(int argc, char **argv) {
  static const float samples[] = {-1000.0f, -1.0f, -0.3f, -0.0049f, 0.0f, 0.0051f, 0.1234f, 0.5f, 1.0f, 1000.0f};
  FILE *a_in, *b_in, *a_out, *b_out;
  size_t i;
  int32_t q;
  if (argc < 5) return 2;
  a_in = fopen(argv[1], "rb");
  b_in = fopen(argv[2], "rb");
  a_out = fopen(argv[3], "wb");
  b_out = fopen(argv[4], "wb");
  if (!a_in || !b_in || !a_out || !b_out) return 2;
  printf("a hash 0x%08lx arena %lu, b hash 0x%08lx arena %lu, versions %s %s\n", (unsigned long)A_HASH,
         (unsigned long)A_ARENA_BYTES, (unsigned long)B_HASH, (unsigned long)B_ARENA_BYTES, A_TINYFORGE_VERSION,
         B_TINYFORGE_VERSION);
  printf("too-small %ld\n", (long)a_init(shared_arena, A_ARENA_BYTES - 1));
  printf("misaligned %ld\n", (long)a_init((uint8_t *)shared_arena + 1, sizeof shared_arena - 1));
  for (i = 0; i < sizeof samples / sizeof samples[0]; i++) printf("quantize %d\n", (int)a_quantize_input(samples[i]));
  for (q = -128; q <= 127; q += 51) {
    float f = b_dequantize_output((int8_t)q);
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    printf("dequantize %ld %08lx\n", (long)q, (unsigned long)bits);
  }

  /* pass 1: each model in its own static default arena */
  if (a_init(NULL, 0) != 0 || b_init(NULL, 0) != 0) return 3;
  if (run_all(a_in, a_out, 0) != 0 || run_all(b_in, b_out, 1) != 0) return 4;

  /* pass 2: one arena for both, the models run in turn */
  if (a_init(shared_arena, sizeof shared_arena) != 0 || b_init(shared_arena, sizeof shared_arena) != 0) return 3;
  rewind(a_in);
  rewind(b_in);
  while (fread(a_input, 1, A_INPUT_BYTES, a_in) == A_INPUT_BYTES &&
         fread(b_input, 1, B_INPUT_BYTES, b_in) == B_INPUT_BYTES) {
    if (a_run(a_input, a_output, NULL, NULL) != 0 || b_run(b_input, b_output, NULL, NULL) != 0) return 4;
    fwrite(a_output, 1, A_OUTPUT_BYTES, a_out);
    fwrite(b_output, 1, B_OUTPUT_BYTES, b_out);
  }
  fclose(a_in);
  fclose(b_in);
  fclose(a_out);
  fclose(b_out);
  printf("done\n");
  return 0;
}

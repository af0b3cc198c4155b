/* qemu-harness.c: runs a generated model on an emulated Cortex-M (QEMU mps2, semihosting files) for kernel tests.
 * usage (semihosting argv): harness in.bin out.bin input_bytes output_bytes
 * Like test/codegen/host-harness.c, plus the SysTick count of every layer of the first inference on stdout
 * ("layer <i> ticks <n>"); under -icount shift=3 one tick is 5 instructions (boards/mps2-an385.json, cycle_counter). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*tfg_layer_hook)(void *ctx, int32_t layer, const void *output, uint32_t output_bytes);
int32_t tfg_model_init(void *arena, size_t size);
int32_t tfg_model_run(const void *input, void *output, tfg_layer_hook hook, void *ctx);

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

#define MAX_LAYERS 256
static uint32_t layer_ticks[MAX_LAYERS];
static uint32_t last_tick;

static void time_layer(void *ctx, int32_t layer, const void *output, uint32_t output_bytes) {
  (void)ctx;
  (void)output;
  (void)output_bytes;
  const uint32_t now = SYST_CVR;
  /* SysTick counts down from 0xFFFFFF; a layer is far shorter than one wrap */
  if (layer >= 0 && layer < MAX_LAYERS) layer_ticks[layer] = (last_tick - now) & 0xFFFFFFu;
  last_tick = SYST_CVR;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    printf("usage: harness in.bin out.bin input_bytes output_bytes\n");
    return 2;
  }
  const size_t in_bytes = (size_t)strtoul(argv[3], NULL, 10);
  const size_t out_bytes = (size_t)strtoul(argv[4], NULL, 10);
  FILE *in = fopen(argv[1], "rb");
  FILE *out = fopen(argv[2], "wb");
  void *input = malloc(in_bytes + 4);
  void *output = malloc(out_bytes + 4);
  if (!in || !out || !input || !output) {
    printf("cannot open files\n");
    return 2;
  }
  SYST_RVR = 0xFFFFFFu;
  SYST_CVR = 0;
  SYST_CSR = 5u; /* enable, core clock, no interrupt */
  if (tfg_model_init(NULL, 0) != 0) return 3;
  int32_t k = 0;
  int32_t layers = 0;
  while (fread(input, 1, in_bytes, in) == in_bytes) {
    last_tick = SYST_CVR;
    const int32_t status = tfg_model_run(input, output, k == 0 ? time_layer : NULL, NULL);
    if (status != 0) {
      printf("tfg_model_run failed: %d\n", (int)status);
      return 4;
    }
    fwrite(output, 1, out_bytes, out);
    ++k;
  }
  for (int32_t i = 0; i < MAX_LAYERS; ++i) if (layer_ticks[i]) layers = i + 1;
  for (int32_t i = 0; i < layers; ++i) printf("layer %d ticks %lu\n", (int)i, (unsigned long)layer_ticks[i]);
  fclose(in);
  fclose(out);
  return k > 0 ? 0 : 5;
}

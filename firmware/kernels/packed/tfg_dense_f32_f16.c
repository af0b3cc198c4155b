/* tfg_dense_f32_f16: float fully-connected layer whose weights are stored as IEEE half (half the flash), computed in float. */
#include <string.h>
#include "tfg_support.h"

/* Exact half → float conversion (normals, subnormals, ±0, inf, NaN) without hardware FP16 support. */
static inline float tfg_half_to_f32(uint16_t h) {
  const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1Fu;
  uint32_t man = h & 0x3FFu;
  uint32_t bits;
  if (exp == 0x1Fu) {
    bits = sign | 0x7F800000u | (man << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112u) << 23) | (man << 13);
  } else if (man == 0) {
    bits = sign;
  } else { /* subnormal: normalise; at most 10 shifts */
    exp = 113u;
    while ((man & 0x400u) == 0) { man <<= 1; exp--; }
    bits = sign | (exp << 23) | ((man & 0x3FFu) << 13);
  }
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

tfg_status tfg_dense_f32_f16(int32_t batch, int32_t in_n, int32_t out_n, const float *in, const uint16_t *w,
                             const float *bias, float act_min, float act_max, float *out) {
  for (int32_t b = 0; b < batch; ++b) {
    const float *x = in + (size_t)b * (size_t)in_n;
    for (int32_t o = 0; o < out_n; ++o) {
      const uint16_t *row = w + (size_t)o * (size_t)in_n;
      float acc = 0.0f;
      for (int32_t i = 0; i < in_n; ++i) acc += x[i] * tfg_half_to_f32(row[i]);
      if (bias) acc += bias[o];
      out[(size_t)b * (size_t)out_n + (size_t)o] = tfg_clamp_f32(acc, act_min, act_max);
    }
  }
  return TFG_OK;
}

/* tfg_add_s8_dsp: int8 element-wise add of same-shape tensors, bit-exact with tfg_add_s8 (TFLite reference Add) with
 * every requantization as one SMMULR: the shifted inputs are below 2^28 and their sum below 2^29, so the doubling
 * high multiply SRDHM(x, m) is SMMULR(2·x, m), and RoundingDivideByPOT by r ≥ 1 is two floors (see tfg_requant_dsp).
 * A shift of 0 runs the same code on the doubled product (pre = 1, r' = 1), which rounds exactly back to it.
 * In place allowed. */
#include "tfg_dsp.h"

/* RoundingDivideByPOT(SRDHM(x2 / 2, m), r) for the constants of one requantization (x2 = 2·x). */
static inline int32_t tfg_add_requant(int32_t x2, int32_t m, int32_t pre, int32_t rs) {
  const int32_t v = (int32_t)((uint32_t)tfg_smmulr(x2, m) << pre);
  return (((v + (v >> 31)) >> rs) + 1) >> 1;
}

tfg_status tfg_add_s8_dsp(int32_t n, const tfg_add_s8_dsp_params *p, const int8_t *a, const int8_t *b, int8_t *out) {
  const tfg_add_s8_dsp_params k = *p; /* a local copy: the int8 stores below could alias *p */
  const int32_t narrow = k.act_min > -128 || k.act_max < 127;
  for (int32_t i = 0; i < n; ++i) {
    const int32_t ra = tfg_add_requant(k.a_base + (int32_t)((uint32_t)a[i] << 21), k.a_multiplier, k.a_pre, k.a_rs);
    const int32_t rb = tfg_add_requant(k.b_base + (int32_t)((uint32_t)b[i] << 21), k.b_multiplier, k.b_pre, k.b_rs);
    const int32_t s = (int32_t)((uint32_t)(ra + rb) << 1);
    const int32_t v = (int32_t)((uint32_t)tfg_smmulr(s, k.output_multiplier) << k.output_pre);
    int32_t y = (((v + (v >> 31)) >> k.output_rs) + k.round_offset) >> 1;
    if (narrow) y = tfg_clamp_i32(y, k.act_min, k.act_max);
    out[i] = (int8_t)tfg_ssat8(y);
  }
  return TFG_OK;
}

/* tfg_add_s8_dsp: int8 element-wise add of same-shape tensors, bit-exact with tfg_add_s8 (TFLite reference Add).
 * Each input's requantization, MultiplyByQuantizedMultiplier((x + offset)·2^20, m, shift), depends on its int8 value
 * alone, so codegen tabulates it (256 int32 per input, doubled); per element that is two table loads and one add.
 * The doubled sum is below 2^30, so the output's doubling high multiply SRDHM(sum, m) is SMMULR(2·sum, m), and
 * RoundingDivideByPOT by r ≥ 1 is two floors (see tfg_requant_dsp); a shift of 0 runs the same code on the doubled
 * product (pre = 1, r' = 1), which rounds exactly back to it. In place allowed. */
#include "tfg_dsp.h"

tfg_status tfg_add_s8_dsp(int32_t n, const tfg_add_s8_dsp_params *p, const int32_t *ta, const int32_t *tb,
                          const int8_t *a, const int8_t *b, int8_t *out) {
  const tfg_add_s8_dsp_params k = *p; /* a local copy: the int8 stores below could alias *p */
  const int32_t narrow = k.act_min > -128 || k.act_max < 127;
  const int32_t *const ta0 = ta + 128, *const tb0 = tb + 128; /* indexed by the signed value */
  for (int32_t i = 0; i < n; ++i) {
    const int32_t s = (int32_t)((uint32_t)ta0[a[i]] + (uint32_t)tb0[b[i]]);
    const int32_t v = (int32_t)((uint32_t)tfg_smmulr(s, k.output_multiplier) << k.output_pre);
    int32_t y = (((v + (v >> 31)) >> k.output_rs) + k.round_offset) >> 1;
    if (narrow) y = tfg_clamp_i32(y, k.act_min, k.act_max);
    out[i] = (int8_t)tfg_ssat8(y);
  }
  return TFG_OK;
}

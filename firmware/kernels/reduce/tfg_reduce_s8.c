/* tfg_reduce_s8: int8 ReduceMean / ReduceSum with TFLite MEAN's arithmetic (requantize, then divide for the mean);
 * ReduceMax keeps the input's quantization and returns the largest value. */
#include "tfg_support.h"

tfg_status tfg_reduce_s8(const tfg_reduce_params *p, const int8_t *in, int8_t *out) {
  int32_t kept[TFG_MAX_DIMS] = {0};
  int32_t o = 0;
  do {
    const int8_t *base = in + tfg_nd_offset(p->kept_rank, kept, p->kept_strides);
    int32_t red[TFG_MAX_DIMS] = {0};
    int32_t count = 0;
    int32_t acc = p->op == TFG_REDUCE_MAX ? -128 : 0;
    do {
      const int32_t v = base[tfg_nd_offset(p->red_rank, red, p->red_strides)];
      if (p->op == TFG_REDUCE_MAX)
        acc = v > acc ? v : acc;
      else
        acc += v - p->input_zero_point;
      ++count;
    } while (tfg_nd_next(p->red_rank, p->red_dims, red));
    if (p->op != TFG_REDUCE_MAX) {
      acc = tfg_requantize(acc, p->multiplier, p->shift);
      /* C division truncates: this rounds half away from zero */
      if (p->op == TFG_REDUCE_MEAN) acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
      acc = tfg_clamp_i32(acc + p->output_zero_point, -128, 127);
    }
    out[o++] = (int8_t)acc;
  } while (tfg_nd_next(p->kept_rank, p->kept_dims, kept));
  return TFG_OK;
}

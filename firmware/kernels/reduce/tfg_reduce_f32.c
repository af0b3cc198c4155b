/* tfg_reduce_f32: float ReduceMean / ReduceMax / ReduceSum, each output gathering its inputs in row-major order. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_reduce_f32(const tfg_reduce_params *p, const float *in, float *out) {
  int32_t kept[TFG_MAX_DIMS] = {0};
  int32_t o = 0;
  do {
    const float *base = in + tfg_nd_offset(p->kept_rank, kept, p->kept_strides);
    int32_t red[TFG_MAX_DIMS] = {0};
    int32_t count = 0;
    float acc = p->op == TFG_REDUCE_MAX ? -INFINITY : 0.0f;
    do {
      const float v = base[tfg_nd_offset(p->red_rank, red, p->red_strides)];
      if (p->op == TFG_REDUCE_MAX)
        acc = v > acc ? v : acc;
      else
        acc += v;
      ++count;
    } while (tfg_nd_next(p->red_rank, p->red_dims, red));
    out[o++] = p->op == TFG_REDUCE_MEAN ? acc / (float)count : acc;
  } while (tfg_nd_next(p->kept_rank, p->kept_dims, kept));
  return TFG_OK;
}

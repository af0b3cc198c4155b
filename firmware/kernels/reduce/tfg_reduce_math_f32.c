/* tfg_reduce_math_f32: float ReduceMin / ReduceProd / ReduceL1 / ReduceL2 / ReduceSumSquare / ReduceLogSumExp, each
 * output gathering its inputs in row-major order (LogSumExp: max + ln Σ e^(x − max), so large inputs do not overflow). */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_reduce_math_f32(const tfg_reduce_params *p, const float *in, float *out) {
  int32_t kept[TFG_MAX_DIMS] = {0};
  int32_t o = 0;
  do {
    const float *base = in + tfg_nd_offset(p->kept_rank, kept, p->kept_strides);
    int32_t red[TFG_MAX_DIMS] = {0};
    float max = -INFINITY;
    if (p->op == TFG_REDUCE_LOG_SUM_EXP) {
      do {
        const float v = base[tfg_nd_offset(p->red_rank, red, p->red_strides)];
        max = v > max ? v : max;
      } while (tfg_nd_next(p->red_rank, p->red_dims, red));
    }
    float acc = p->op == TFG_REDUCE_MIN ? INFINITY : (p->op == TFG_REDUCE_PROD ? 1.0f : 0.0f);
    do {
      const float v = base[tfg_nd_offset(p->red_rank, red, p->red_strides)];
      switch (p->op) {
      case TFG_REDUCE_MIN:
        acc = v < acc ? v : acc;
        break;
      case TFG_REDUCE_PROD:
        acc *= v;
        break;
      case TFG_REDUCE_L1:
        acc += fabsf(v);
        break;
      case TFG_REDUCE_LOG_SUM_EXP:
        acc += expf(v - max);
        break;
      default:
        acc += v * v;
        break; /* L2, SumSquare */
      }
    } while (tfg_nd_next(p->red_rank, p->red_dims, red));
    if (p->op == TFG_REDUCE_L2) acc = sqrtf(acc);
    if (p->op == TFG_REDUCE_LOG_SUM_EXP) acc = max + logf(acc);
    out[o++] = acc;
  } while (tfg_nd_next(p->kept_rank, p->kept_dims, kept));
  return TFG_OK;
}

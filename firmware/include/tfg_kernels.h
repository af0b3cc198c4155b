/* tfg_kernels.h: the public kernel API. One function per file under firmware/kernels/<family>/.
 * Activations are NHWC. Kernels trust their arguments: shapes and params are validated by codegen (TypeScript).
 * int8 kernels match the TS reference (src/reference/int8/, TFLite reference integer kernels) bit for bit;
 * float kernels match src/reference/float/ up to float accumulation order. */
#ifndef TFG_KERNELS_H
#define TFG_KERNELS_H

#include <stdint.h>
#include <stddef.h>
#include <float.h>

#if defined(__GNUC__) || defined(__clang__)
#define TFG_ALIGN(n) __attribute__((aligned(n)))
#else
#define TFG_ALIGN(n)
#endif

/** What every kernel returns. TFG_ERR_ARG: an argument the kernel checks is out of range; TFG_ERR_CORRUPT: packed
 *  weights failed their length/CRC check or held an invalid code. Either way the output is not valid, and the generated
 *  tfg_model_run stops at the first status other than TFG_OK and returns it. */
typedef enum { TFG_OK = 0, TFG_ERR_ARG = -1, TFG_ERR_CORRUPT = -2 } tfg_status;

#define TFG_MAX_DIMS 6

/* ---- shared parameter blocks (codegen emits them as static const) ---- */

/** Conv2D / DepthwiseConv2D geometry. Input [batch,in_h,in_w,in_c], output [batch,out_h,out_w,out_c].
 *  Conv weights OHWI [out_c,k_h,k_w,in_c/groups]; depthwise weights [1,k_h,k_w,in_c*depth_multiplier]. */
typedef struct {
  int32_t batch, in_h, in_w, in_c, out_h, out_w, out_c;
  int32_t k_h, k_w, stride_h, stride_w, dil_h, dil_w, pad_top, pad_left;
  int32_t groups;           /* Conv2D only */
  int32_t depth_multiplier; /* DepthwiseConv2D only */
} tfg_conv_geom;

/** tfg_conv_geom in 16-bit fields for the _dsp conv kernels (30 bytes of flash per layer instead of 68); codegen
 *  checks every value fits. No groups / depth_multiplier: those kernels take one group and multiplier 1. */
typedef struct {
  int16_t batch, in_h, in_w, in_c, out_h, out_w, out_c;
  int16_t k_h, k_w, stride_h, stride_w, dil_h, dil_w, pad_top, pad_left;
} tfg_conv_geom16;

/** Pool geometry: input [batch,in_h,in_w,channels], output [batch,out_h,out_w,channels]. */
typedef struct {
  int32_t batch, in_h, in_w, channels, out_h, out_w;
  int32_t k_h, k_w, stride_h, stride_w, pad_top, pad_left, pad_bottom, pad_right;
} tfg_pool_geom;

/** int8 per-channel requantization (Dense, Conv2D, DepthwiseConv2D): acc = Σ (x + input_offset)·w + bias,
 *  out = clamp(requantize(acc, multiplier[c], shift[c]) + output_offset, act_min, act_max).
 *  input_offset = −input zero point; output_offset = output zero point; multiplier/shift from quantizeMultiplier(s_in·s_w[c]/s_out). */
typedef struct {
  int32_t input_offset, output_offset, act_min, act_max;
  const int32_t *multiplier;
  const int32_t *shift;
} tfg_s8_channel_quant;

/** Per-channel requantization of the _dsp kernels: the multipliers of tfg_s8_channel_quant, and per channel an int8
 *  code: e = −1 − shift ≥ 0 when the shift is a right shift and codegen proved |acc| < 2^30 (|bias| + 255·Σ|w|), so the
 *  doubling high multiply runs as one SMMULR on 2·acc; otherwise e = shift − 64 (< −32, the general path).
 *  round_offset = 1 + 2·output_offset. See tfg_requant_dsp in tfg_support.h and shiftCode in src/codegen/ops/dsp-weights.ts. */
typedef struct {
  int32_t output_offset, round_offset, act_min, act_max;
  const int32_t *multiplier;
  const int8_t *shift_code;
} tfg_s8_dsp_quant;

/** Broadcasting of a binary op, dims collapsed by codegen: out index i (rank ≤ TFG_MAX_DIMS) reads a at Σ i·a_strides, b at Σ i·b_strides. */
typedef struct {
  int32_t rank;
  int32_t dims[TFG_MAX_DIMS];
  int32_t a_strides[TFG_MAX_DIMS];
  int32_t b_strides[TFG_MAX_DIMS];
} tfg_bcast;

/** int8 Add (TFLite reference): both inputs scaled to 2·max(s_a,s_b) with left_shift 20, summed, requantized to the output. */
typedef struct {
  int32_t a_offset, b_offset, output_offset, left_shift;
  int32_t a_multiplier, a_shift, b_multiplier, b_shift, output_multiplier, output_shift;
  int32_t act_min, act_max;
} tfg_add_s8_params;

/** tfg_add_s8's arithmetic prepared for tfg_add_s8_dsp (codegen: src/codegen/ops/add.ts): x_base = input offset · 2^21
 *  (the doubled left shift of 20), per requantization the multiplier, pre = 1 when its shift is 0 (else 0) and
 *  rs = max(−shift, 1) − 1; round_offset = 1 + 2·output zero point. */
typedef struct {
  int32_t a_base, b_base, a_multiplier, b_multiplier, output_multiplier;
  int32_t a_pre, b_pre, output_pre, a_rs, b_rs, output_rs;
  int32_t round_offset, act_min, act_max;
} tfg_add_s8_dsp_params;

/** int8 Mul (TFLite reference): out = requantize((a + a_offset)(b + b_offset), multiplier, shift) + output_offset, clamped. */
typedef struct {
  int32_t a_offset, b_offset, output_offset, output_multiplier, output_shift, act_min, act_max;
} tfg_mul_s8_params;

/** Transpose: out[i] = in[Σ i_d · in_strides[d]], i walking out_dims row-major (in_strides already permuted). */
typedef struct {
  int32_t rank;
  int32_t out_dims[TFG_MAX_DIMS];
  int32_t in_strides[TFG_MAX_DIMS];
} tfg_transpose_params;

/** Constant pad: out has out_dims; in (in_dims) lands at offset begin[d]; the rest is the pad value. Pads are ≥ 0. */
typedef struct {
  int32_t rank;
  int32_t in_dims[TFG_MAX_DIMS];
  int32_t out_dims[TFG_MAX_DIMS];
  int32_t begin[TFG_MAX_DIMS];
} tfg_pad_params;

/** int8 → int8 requantization (TFLite Requantize): y = clamp(requantize(x − input_zero_point, multiplier, shift)
 *  + output_zero_point, lo, hi), (multiplier, shift) = quantizeMultiplier(s_in/s_out). identity = 1 when the quantization
 *  is unchanged (the result then equals x, so kernels may skip the arithmetic). */
typedef struct {
  int32_t input_zero_point, output_zero_point, multiplier, shift, identity;
} tfg_requant_params;

/** int8 Softmax (TFLite reference, gemmlowp fixed point): input_multiplier/input_left_shift from
 *  PreprocessSoftmaxScaling(beta, s_in, 5), diff_min = −CalculateInputRadius(5, input_left_shift). Output scale 1/256, zp −128. */
typedef struct {
  int32_t outer, depth, inner;
  int32_t input_multiplier, input_left_shift, diff_min;
} tfg_softmax_s8_params;

/* ---- dense ---- */
/** y[b,o] = act(Σ_i x[b,i]·w[o,i] + bias[o]); w is [out_n,in_n]; bias may be NULL. Ref: src/reference/float/dense.ts */
tfg_status tfg_dense_f32(int32_t batch, int32_t in_n, int32_t out_n, const float *in, const float *w, const float *bias,
                         float act_min, float act_max, float *out);
/** int8 Dense, per-channel requant. Ref: src/reference/int8/dense.ts. Scratch: none. */
tfg_status tfg_dense_s8(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_channel_quant *q, const int8_t *in,
                        const int8_t *w, const int32_t *bias, int8_t *out);
/** tfg_dense_s8 with Cortex-M DSP SMLAD, four rows per pass; bit-exact with it. w4 = W interleaved by codegen (per
 *  4 rows: for each group of 4 inputs the 4 rows' 4 bytes, then the in_n % 4 tail as 4 row bytes per input; rows padded
 *  to a multiple of 4 with zeros; 4-byte aligned). folded_bias[o] = bias[o] + input_offset·Σ_i w[o,i], padded like
 *  the rows (never NULL), so the inner loop needs no offset. Ref: interleaveDenseRows in src/codegen/ops/dsp-weights.ts. */
tfg_status tfg_dense_s8_dsp(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_dsp_quant *q, const int8_t *in,
                            const int8_t *w4, const int32_t *folded_bias, int8_t *out);

/* ---- conv ---- */
/** Conv2D with groups, dilation, explicit pads; padding contributes 0. Ref: src/reference/float/conv2d.ts */
tfg_status tfg_conv2d_f32(const tfg_conv_geom *g, const float *in, const float *w, const float *bias, float act_min,
                          float act_max, float *out);
/** int8 Conv2D (TFLite reference_integer_ops::ConvPerChannel, padding = input zero point). Ref: src/reference/int8/conv2d.ts */
tfg_status tfg_conv2d_s8(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in, const int8_t *w,
                         const int32_t *bias, int8_t *out);
/** int8 Conv2D with Cortex-M DSP SMLAD (any geometry); bit-exact with tfg_conv2d_s8. Scratch: a 512-byte stack buffer
 *  (one im2col column, used when KH·KW·in_c/groups ≤ 512; larger receptive fields use per-tap dot products). */
tfg_status tfg_conv2d_s8_dsp(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in, const int8_t *w,
                             const int32_t *bias, int8_t *out);
/** Largest receptive field k_h·k_w·in_c of tfg_conv2d_s8_im2col_dsp (its stack scratch is 5 bytes per element).
 *  Must equal TFG_IM2COL_MAX in src/codegen/ops/conv2d.ts. */
#define TFG_IM2COL_MAX 576
/** int8 Conv2D, one group, any kernel/stride/padding/dilation, K = k_h·k_w·in_c ≤ TFG_IM2COL_MAX: int16 im2col of
 *  two output pixels, then 2 pixels × 2 channels SMLAD blocks. w2 = the OHWI weights interleaved by codegen (per
 *  channel pair, per group of 4 of the K rounded up to 4: 4 bytes of each channel; zero-padded to an even channel count;
 *  bytes of a group in order 0,2,1,3 when in_c % 4 ≠ 0; 4-byte aligned). bias2 = the bias padded to an even
 *  count (zeros without a bias; never NULL).
 *  Scratch: 4·K + 2·K (K rounded up to 4) bytes of stack when in_c % 4 ≠ 0, else 4·K. Bit-exact with tfg_conv2d_s8. Ref: interleaveConvPairs in src/codegen/ops/dsp-weights.ts. */
tfg_status tfg_conv2d_s8_im2col_dsp(const tfg_conv_geom16 *g, const tfg_s8_dsp_quant *q, int32_t input_offset,
                                    const int8_t *in, const int8_t *w2, const int32_t *bias2, int8_t *out);
/** int8 pointwise Conv2D (1×1 kernel, no padding, one group, any stride, in_c ≤ TFG_IM2COL_MAX) as a GEMM over
 *  pixels, 2 pixels × 2 channels per SMLAD block; w2 and bias2 as in tfg_conv2d_s8_im2col_dsp.
 *  Scratch: as tfg_conv2d_s8_im2col_dsp with K = in_c. Bit-exact with tfg_conv2d_s8. */
tfg_status tfg_conv2d_s8_1x1_dsp(const tfg_conv_geom16 *g, const tfg_s8_dsp_quant *q, int32_t input_offset,
                                 const int8_t *in, const int8_t *w2, const int32_t *bias2, int8_t *out);
/** DepthwiseConv2D: output channel c·m + j reads input channel c. Ref: src/reference/float/depthwise-conv2d.ts */
tfg_status tfg_depthwise_conv2d_f32(const tfg_conv_geom *g, const float *in, const float *w, const float *bias,
                                    float act_min, float act_max, float *out);
/** int8 DepthwiseConv2D (TFLite DepthwiseConvPerChannel). Ref: src/reference/int8/depthwise-conv2d.ts */
tfg_status tfg_depthwise_conv2d_s8(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in,
                                   const int8_t *w, const int32_t *bias, int8_t *out);
/** Stack scratch bounds of tfg_depthwise_conv2d_s8_dsp (it uses exactly k_h·G·W_p·8 bytes of row buffer and G·k_h·k_w·8
 *  bytes of weights),
 *  G = ceil(channels / 4), W_p = (out_w − 1)·stride_w + k_w; k_h ≤ TFG_DW_MAX_KH. Must equal the constants in
 *  src/codegen/ops/depthwise-conv2d.ts. */
#define TFG_DW_ROWBUF_BYTES 8192
#define TFG_DW_WBUF_BYTES 4608
#define TFG_DW_MAX_KH 16
/** int8 DepthwiseConv2D with Cortex-M DSP (depth multiplier 1, dilation 1): input rows and weights widened to int16
 *  pairs on the stack (input offset added, padding 0), then per tap of 4 channels two LDRD and four SMLABB/SMLATT,
 *  3×3 windows unrolled. bias4 = the bias padded with zeros to a multiple of 4 (never NULL). Scratch: see above.
 *  Bit-exact with tfg_depthwise_conv2d_s8. */
tfg_status tfg_depthwise_conv2d_s8_dsp(const tfg_conv_geom16 *g, const tfg_s8_dsp_quant *q, int32_t input_offset,
                                       const int8_t *in, const int8_t *w, const int32_t *bias4, int8_t *out);

/* ---- pool ---- */
/** Max over the window's in-bounds positions, then the fused activation clamp. */
tfg_status tfg_maxpool_f32(const tfg_pool_geom *g, float act_min, float act_max, const float *in, float *out);
tfg_status tfg_maxpool_s8(const tfg_pool_geom *g, int32_t act_min, int32_t act_max, const int8_t *in, int8_t *out);
/** Mean over the window's in-bounds positions; count_include_pad divides by the positions inside the padded input. */
tfg_status tfg_avgpool_f32(const tfg_pool_geom *g, int32_t count_include_pad, float act_min, float act_max,
                           const float *in, float *out);
/** int8 AveragePool (TFLite reference): rounded-half-away integer division of the sum; with count_include_pad,
 *  padded positions hold pad_value (the zero point, shared by input and output); an empty window gives pad_value. */
tfg_status tfg_avgpool_s8(const tfg_pool_geom *g, int32_t count_include_pad, int32_t pad_value, int32_t act_min,
                          int32_t act_max, const int8_t *in, int8_t *out);
/** Mean over H·W per channel: in [batch,hw,channels] → out [batch,channels]. */
tfg_status tfg_global_avgpool_f32(int32_t batch, int32_t hw, int32_t channels, const float *in, float *out);
/** int8 global average as TFLite's quantized Mean: acc = requantize(Σ (x − in_zp), multiplier, shift) with
 *  (multiplier, shift) from s_in/s_out, then the rounded-half-away division by hw, + out_zp, clamped to int8.
 *  Ref: src/reference/int8/global-average-pool.ts */
tfg_status tfg_global_avgpool_s8(int32_t batch, int32_t hw, int32_t channels, int32_t input_zero_point,
                                 int32_t output_zero_point, int32_t multiplier, int32_t shift, const int8_t *in, int8_t *out);

/* ---- element-wise binary (same shape: n elements; _bcast: strided broadcasting) ---- */
tfg_status tfg_add_f32(int32_t n, const float *a, const float *b, float act_min, float act_max, float *out);
tfg_status tfg_add_f32_bcast(const tfg_bcast *p, const float *a, const float *b, float act_min, float act_max, float *out);
tfg_status tfg_sub_f32(int32_t n, const float *a, const float *b, float act_min, float act_max, float *out);
tfg_status tfg_sub_f32_bcast(const tfg_bcast *p, const float *a, const float *b, float act_min, float act_max, float *out);
tfg_status tfg_mul_f32(int32_t n, const float *a, const float *b, float act_min, float act_max, float *out);
tfg_status tfg_mul_f32_bcast(const tfg_bcast *p, const float *a, const float *b, float act_min, float act_max, float *out);
tfg_status tfg_div_f32(int32_t n, const float *a, const float *b, float *out);
tfg_status tfg_div_f32_bcast(const tfg_bcast *p, const float *a, const float *b, float *out);
tfg_status tfg_add_s8(int32_t n, const tfg_add_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out);
tfg_status tfg_add_s8_bcast(const tfg_bcast *bc, const tfg_add_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out);
/** int8 Add with every requantization as one SMMULR (same shapes); bit-exact with tfg_add_s8. In place allowed. */
tfg_status tfg_add_s8_dsp(int32_t n, const tfg_add_s8_dsp_params *p, const int8_t *a, const int8_t *b, int8_t *out);
/** int8 Sub: tfg_add_s8's arithmetic with the scaled inputs subtracted (reference_ops::SubElementwise). */
tfg_status tfg_sub_s8(int32_t n, const tfg_add_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out);
tfg_status tfg_sub_s8_bcast(const tfg_bcast *bc, const tfg_add_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out);
tfg_status tfg_mul_s8(int32_t n, const tfg_mul_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out);
tfg_status tfg_mul_s8_bcast(const tfg_bcast *bc, const tfg_mul_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out);

/* ---- activations ---- */
/** Clamp to [lo, hi]: Relu is [0, FLT_MAX], Clip is [min, max]. In place allowed. */
tfg_status tfg_clip_f32(int32_t n, float lo, float hi, const float *in, float *out);
tfg_status tfg_leaky_relu_f32(int32_t n, float alpha, const float *in, float *out);
tfg_status tfg_sigmoid_f32(int32_t n, const float *in, float *out);
tfg_status tfg_tanh_f32(int32_t n, const float *in, float *out);
/** HardSwish x · min(max(x + 3, 0), 6) / 6. Ref: src/reference/float/hard-swish.ts. In place allowed. */
tfg_status tfg_hard_swish_f32(int32_t n, const float *in, float *out);
/** Softmax over the middle axis of [outer, depth, inner]: exp(beta·(x − max)) / Σ. */
tfg_status tfg_softmax_f32(int32_t outer, int32_t depth, int32_t inner, float beta, const float *in, float *out);
tfg_status tfg_softmax_s8(const tfg_softmax_s8_params *p, const int8_t *in, int8_t *out);
/** int8 Relu/Clip (TFLM ReluQuantized): requantize to the output quantization, clamp to [lo, hi] (quantized bounds).
 *  Ref: src/reference/int8/relu.ts. In place allowed. */
tfg_status tfg_clip_s8(int32_t n, const tfg_requant_params *p, int32_t lo, int32_t hi, const int8_t *in, int8_t *out);
/** int8 element-wise function by lookup: out[i] = table[in[i] + 128], table of 256 entries (HardSwish: its table
 *  comes from src/reference/int8/hard-swish.ts). In place allowed. */
tfg_status tfg_lut_s8(int32_t n, const int8_t *table, const int8_t *in, int8_t *out);

/* ---- shape ---- */
/** Concatenation: out = for each of `outer` rows, the rows of every input in turn; row_elems[k] = axis_k·inner. */
tfg_status tfg_concat_f32(int32_t outer, int32_t n_inputs, const float *const *inputs, const int32_t *row_elems, float *out);
/** int8 Concat: inputs with the output's quantization are copied, the others requantized (req[k], one per input).
 *  Ref: src/reference/int8/concat.ts */
tfg_status tfg_concat_s8(int32_t outer, int32_t n_inputs, const int8_t *const *inputs, const int32_t *row_elems,
                         const tfg_requant_params *req, int8_t *out);
tfg_status tfg_transpose_f32(const tfg_transpose_params *p, const float *in, float *out);
tfg_status tfg_transpose_s8(const tfg_transpose_params *p, const int8_t *in, int8_t *out);
tfg_status tfg_pad_f32(const tfg_pad_params *p, float value, const float *in, float *out);
tfg_status tfg_pad_s8(const tfg_pad_params *p, int8_t value, const int8_t *in, int8_t *out);
/** Byte copy for Reshape when the planner could not alias; in == out is allowed (no-op). */
tfg_status tfg_copy_x8(int32_t bytes, const void *in, void *out);

/* ---- normalization ---- */
/** BatchNormalization over the last axis: y = (x − mean[c]) / sqrt(var[c] + eps) · scale[c] + bias[c]. */
tfg_status tfg_batchnorm_f32(int32_t outer, int32_t channels, float epsilon, const float *in, const float *scale,
                             const float *bias, const float *mean, const float *var, float *out);

/* ---- quantization ---- */
/** f32 → int8: q = clamp(roundf(x / scale) + zero_point, −128, 127) in float32, see quantizeValue in src/reference/quant.ts. */
tfg_status tfg_quantize_s8(int32_t n, float scale, int32_t zero_point, const float *in, int8_t *out);
/** int8 → int8 requantize (TFLite Requantize), clamped to int8. Ref: requantizeValue in src/reference/int8/quantize.ts */
tfg_status tfg_requantize_s8(int32_t n, const tfg_requant_params *p, const int8_t *in, int8_t *out);
/** int8 → f32: x = scale · (q − zero_point) rounded once to float, see dequantizeValue in src/reference/quant.ts. */
tfg_status tfg_dequantize_s8(int32_t n, float scale, int32_t zero_point, const int8_t *in, float *out);


/* ==== packed weight storage (int4, fp16, 1-bit, clustered + Huffman); kernels under firmware/kernels/packed/.
 * The weights' logical values equal the IR tensor's data, so results match the dense kernels on those values:
 * int8 paths bit for bit, float paths up to accumulation order. Packing: src/codegen/packing/. ==== */

/** Largest conv weight row (k_h·k_w·in_c/groups) tfg_conv2d_{f32,s8}_huff decode into their stack buffer (bytes). */
#define TFG_HUFF_ROW_MAX 1152

/** int8 Dense with 4-bit weights, two per byte (flat [out,in] index j: low nibble of byte j/2 when j is even), values in [−8, 7].
 *  Same arithmetic as tfg_dense_s8. Ref: src/reference/int8/dense.ts. */
tfg_status tfg_dense_s4(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_channel_quant *q, const int8_t *in,
                        const uint8_t *w, const int32_t *bias, int8_t *out);
/** int8 Conv2D with 4-bit OHWI weights packed as in tfg_dense_s4. Ref: src/reference/int8/conv2d.ts. */
tfg_status tfg_conv2d_s4(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in, const uint8_t *w,
                         const int32_t *bias, int8_t *out);
/** Float Dense / Conv2D with IEEE-half weights converted exactly to float. Ref: src/reference/float/{dense,conv2d}.ts. */
tfg_status tfg_dense_f32_f16(int32_t batch, int32_t in_n, int32_t out_n, const float *in, const uint16_t *w,
                             const float *bias, float act_min, float act_max, float *out);
tfg_status tfg_conv2d_f32_f16(const tfg_conv_geom *g, const float *in, const uint16_t *w, const float *bias, float act_min,
                              float act_max, float *out);
/** 1-bit weights: bit j of the flat weights = word j/32, bit j%32; 1 = +, 0 = −. Float: w = ±alpha[o];
 *  int8: w = ±magnitude[o] (bit-exact with tfg_dense_s8 / tfg_conv2d_s8 on those values). */
tfg_status tfg_dense_f32_b1(int32_t batch, int32_t in_n, int32_t out_n, const float *in, const uint32_t *bits,
                            const float *alpha, const float *bias, float act_min, float act_max, float *out);
tfg_status tfg_dense_s8_b1(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_channel_quant *q, const int8_t *in,
                           const uint32_t *bits, const int32_t *magnitude, const int32_t *bias, int8_t *out);
tfg_status tfg_conv2d_f32_b1(const tfg_conv_geom *g, const float *in, const uint32_t *bits, const float *alpha,
                             const float *bias, float act_min, float act_max, float *out);
tfg_status tfg_conv2d_s8_b1(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in, const uint32_t *bits,
                            const int32_t *magnitude, const int32_t *bias, int8_t *out);
/** Largest input (in 32-bit words of signs) tfg_dense_f32_xnor packs on its stack: 64 words = 2048 inputs, 256 bytes. */
#define TFG_XNOR_WORDS_MAX 64
/** Float Dense on binarized inputs (sign(x), x ≥ 0 → +1) with 1-bit weights: row o = ⌈in_n/32⌉ words (rows word-aligned,
 *  padding bits 0), y = float(α[o]·(in_n − 2·popcount(w XOR signs))) + bias[o] in float. Bit-exact with
 *  src/reference/float/dense.ts (binarizeInput). in_n > 32·TFG_XNOR_WORDS_MAX returns TFG_ERR_CORRUPT (codegen checks). */
tfg_status tfg_dense_f32_xnor(int32_t batch, int32_t in_n, int32_t out_n, const float *in, const uint32_t *bits,
                              const float *alpha, const float *bias, float act_min, float act_max, float *out);
/** Float Conv2D (groups = 1) on binarized inputs with 1-bit OHWI weights, rows of k_h·k_w·in_c bits word-aligned; padded
 *  taps contribute 0 (masked). Bit-exact with src/reference/float/conv2d.ts (binarizeInput). Stack: two
 *  TFG_XNOR_WORDS_MAX-word buffers; a larger receptive field or groups > 1 returns TFG_ERR_CORRUPT (codegen checks). */
tfg_status tfg_conv2d_f32_xnor(const tfg_conv_geom *g, const float *in, const uint32_t *bits, const float *alpha,
                               const float *bias, float act_min, float act_max, float *out);

/** Widest lookup table a decoder builds (2^8 uint16 entries on the stack). */
#define TFG_HUFF_TABLE_BITS_MAX 8

/** Flags of a tfg_huff_stream. */
#define TFG_HUFF_HALF_CODEBOOK 1u /* codebook entries are IEEE half (else float), little-endian */
#define TFG_HUFF_HALF_BIAS 2u     /* the layer's biases, one IEEE half per output channel, follow the codebook */
#define TFG_HUFF_INT8_CODEBOOK 4u /* codebook entries are int8 weight values, one byte each (the _s8_huff kernels) */
#define TFG_HUFF_ONE_SCALE 8u     /* int8: the weights share one scale, so multiplier[0] / shift[0] requantize every channel */

/** One layer's clustered weights as one flash array (see src/codegen/packing/huffman-stream.ts), `data` =
 *    codebook (codebook_n1 + 1 entries) · biases (TFG_HUFF_HALF_BIAS only) · index code lengths · gap code lengths
 *    (sparse only) · the canonical-Huffman bit stream of `bits` bits, MSB first, zero-padded to a byte.
 *  Code lengths are 4 bits a symbol (low nibble = even symbol); the index code has codebook_n1 + 1 symbols, the gap
 *  code gap_escape + 1. Dense (gap_escape = 0): `count` = all weights, one index code each, in flat weight order.
 *  Sparse (gap_escape > 0): `count` coded weights, each a gap code (zeros skipped; the escape symbol gap_escape skips
 *  gap_escape zeros and another gap code follows) then an index code. table_bits: width of the index code's lookup
 *  table in the low nibble, the gap code's in the high one. `bytes` = the array's length (must match the parts, so a
 *  damaged header cannot send a read past it); crc32 = CRC-32/IEEE of all of `data`. 24 bytes. */
typedef struct {
  const uint8_t *data;
  uint32_t bytes, bits, crc32, count;
  uint8_t codebook_n1, gap_escape, table_bits, flags;
} tfg_huff_stream;
/** Float Dense decoding the stream while it computes (no row buffer; RAM = a TFG_HUFF_READER_BYTES reader, the codebook
 *  as floats and the codes' decode form: 32 uint16 counts, TFG_HUFF_SYMBOLS bytes, TFG_HUFF_TABLE_ENTRIES uint16s).
 *  `bias` (float, may be NULL) is used when the stream holds none. Returns TFG_ERR_CORRUPT on bad code lengths, a bad
 *  code, a read past `bits`, a CRC mismatch. Ref: src/reference/float/dense.ts on the codebook values. */
tfg_status tfg_dense_f32_huff(int32_t batch, int32_t in_n, int32_t out_n, const float *in, const tfg_huff_stream *s,
                              const float *bias, float act_min, float act_max, float *out);
/** Float Conv2D decoding one output channel's weights at a time into a TFG_HUFF_ROW_MAX-byte stack row. Errors as above. */
tfg_status tfg_conv2d_f32_huff(const tfg_conv_geom *g, const float *in, const tfg_huff_stream *s, const float *bias,
                               float act_min, float act_max, float *out);
/** int8 Dense whose weights are int8 codes in a Huffman stream (TFG_HUFF_INT8_CODEBOOK: the codebook holds the int8
 *  values, read in place, as TFLM's LUT compression does), decoded while computing: same arithmetic as tfg_dense_s8 on
 *  those values, so bit-exact with it (pruned weights add 0). RAM: a reader and the codes' decode form, no codebook copy.
 *  With TFG_HUFF_ONE_SCALE, q->multiplier / q->shift hold one entry for all channels. Errors as tfg_dense_f32_huff, and
 *  a stream without int8 codes is TFG_ERR_CORRUPT. Ref: src/reference/int8/dense.ts. */
tfg_status tfg_dense_s8_huff(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_channel_quant *q, const int8_t *in,
                             const tfg_huff_stream *s, const int32_t *bias, int8_t *out);
/** int8 Conv2D on the same stream, one output channel's int8 weights at a time decoded into a TFG_HUFF_ROW_MAX-byte
 *  stack row (0 for pruned weights), then tfg_conv2d_s8's arithmetic. Ref: src/reference/int8/conv2d.ts. */
tfg_status tfg_conv2d_s8_huff(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in, const tfg_huff_stream *s,
                              const int32_t *bias, int8_t *out);

#endif /* TFG_KERNELS_H */

/* tfg_kernels.h: the public kernel API. One function per file under firmware/kernels/<family>/.
 * Activations are NHWC. Kernels trust their arguments: shapes and params are validated by codegen (TypeScript).
 * int8 kernels match the TS reference (src/reference/int8/, TFLite reference integer kernels) bit for bit;
 * float kernels match src/reference/float/ up to float accumulation order.
 * Each prototype's comment gives its parameters' ranges, its quantization, its scratch and the TS reference it matches.
 * Unless it says otherwise: pointers are non-NULL; `out` overlaps no input ("In place allowed": out may equal an input
 * of its size); int8 activation bounds lie in [−128, 127] and float ones are −FLT_MAX/FLT_MAX when there is no
 * activation. A kernel with scratch takes `scratch` (4-byte aligned, in the arena for its call only, overlapping no
 * tensor) and `scratch_bytes`, at least its <kernel>_scratch_bytes(...) (else TFG_ERR_ARG, nothing touched); codegen
 * computes the same figure in TypeScript (test/firmware/kernel-scratch.test.ts compares them). */
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
 *  weights failed their length or CRC check (tfg_huff_verify) or held an invalid code. Either way the output is not valid, and the generated
 *  <model>_run stops at the first status other than TFG_OK and returns it. A generated <model>_init returns
 *  TFG_ERR_ARENA_TOO_SMALL for an arena below the model's <MODEL>_ARENA_BYTES (or none where it has no default) and
 *  TFG_ERR_ARENA_MISALIGNED for one not TFG_ARENA_ALIGN-aligned. */
typedef enum {
  TFG_OK = 0,
  TFG_ERR_ARG = -1,
  TFG_ERR_CORRUPT = -2,
  TFG_ERR_ARENA_TOO_SMALL = -3,
  TFG_ERR_ARENA_MISALIGNED = -4
} tfg_status;

/** Alignment of every arena offset the memory planner gives (ARENA_ALIGN in src/codegen/memory-planner.ts). */
#define TFG_ARENA_ALIGN 4

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

/** tfg_add_s8's output requantization prepared for tfg_add_s8_dsp (codegen: src/codegen/ops/add.ts): the multiplier,
 *  pre = 1 when its shift is 0 (else 0) and rs = max(−shift, 1) − 1; round_offset = 1 + 2·output zero point. */
typedef struct {
  int32_t output_multiplier, output_pre, output_rs;
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

/** Reduce (codegen: src/codegen/ops/reduce.ts): output o walks kept_dims row-major from Σ kept_idx·kept_strides; its
 *  inputs walk red_dims row-major from there by red_strides (rank 0 = one position). op is a TFG_REDUCE_* value; the
 *  int8 kernel uses the zero points and the requantization (prepareReduce), the float one ignores them. */
enum {
  TFG_REDUCE_MEAN = 0,
  TFG_REDUCE_MAX = 1,
  TFG_REDUCE_SUM = 2,
  TFG_REDUCE_MIN = 3,
  TFG_REDUCE_PROD = 4,
  TFG_REDUCE_L1 = 5,
  TFG_REDUCE_L2 = 6,
  TFG_REDUCE_SUM_SQUARE = 7,
  TFG_REDUCE_LOG_SUM_EXP = 8
};
typedef struct {
  int32_t op;
  int32_t kept_rank;
  int32_t kept_dims[TFG_MAX_DIMS];
  int32_t kept_strides[TFG_MAX_DIMS];
  int32_t red_rank;
  int32_t red_dims[TFG_MAX_DIMS];
  int32_t red_strides[TFG_MAX_DIMS];
  int32_t input_zero_point, output_zero_point, multiplier, shift;
} tfg_reduce_params;

/** Constant pad: out has out_dims; in (in_dims) lands at offset begin[d]; the rest is the pad value. Pads are ≥ 0. */
typedef struct {
  int32_t rank;
  int32_t in_dims[TFG_MAX_DIMS];
  int32_t out_dims[TFG_MAX_DIMS];
  int32_t begin[TFG_MAX_DIMS];
} tfg_pad_params;

/** Strided copy (Slice, Expand, ChannelShuffle): out[i] = in[offset + Σ i_d · in_strides[d]], i walking out_dims
 *  row-major; a stride may be 0 (broadcast) or negative (a slice with a negative step). */
typedef struct {
  int32_t rank;
  int32_t offset;
  int32_t out_dims[TFG_MAX_DIMS];
  int32_t in_strides[TFG_MAX_DIMS];
} tfg_strided_copy_params;

/** int8 → int8 requantization (TFLite Requantize): y = clamp(requantize(x − input_zero_point, multiplier, shift)
 *  + output_zero_point, lo, hi), (multiplier, shift) = quantizeMultiplier(s_in/s_out). identity = 1 when the quantization
 *  is unchanged (the result then equals x, so kernels may skip the arithmetic). */
typedef struct {
  int32_t input_zero_point, output_zero_point, multiplier, shift, identity;
} tfg_requant_params;

/** int8 PRelu (TFLM PRELU): positive inputs scaled by s_in/s_out, negative ones times (alpha − alpha_zero_point) scaled
 *  by s_in·s_alpha/s_out (codegen: preparePrelu in src/reference/int8/prelu.ts). */
typedef struct {
  int32_t input_zero_point, alpha_zero_point, output_zero_point;
  int32_t positive_multiplier, positive_shift, negative_multiplier, negative_shift;
} tfg_prelu_s8_params;

/** int8 Softmax (TFLite reference, gemmlowp fixed point): input_multiplier/input_left_shift from
 *  PreprocessSoftmaxScaling(beta, s_in, 5), diff_min = −CalculateInputRadius(5, input_left_shift). Output scale 1/256, zp −128. */
typedef struct {
  int32_t outer, depth, inner;
  int32_t input_multiplier, input_left_shift, diff_min;
} tfg_softmax_s8_params;

/* ---- dense ---- */
/** Float Dense: out[b,o] = clamp(Σ_i in[b,i]·w[o,i] + bias[o], act_min, act_max).
 *  @param batch, in_n, out_n ≥ 1 (batch·in_n, out_n·in_n < 2^31)  @param w [out_n, in_n]  @param bias [out_n] or NULL
 *  @param act_min ≤ act_max: the fused activation (−FLT_MAX, FLT_MAX when none; 0 for Relu).  Scratch: none. Always
 *  TFG_OK. Matches dense in src/reference/float/dense.ts up to float accumulation order. */
tfg_status tfg_dense_f32(int32_t batch, int32_t in_n, int32_t out_n, const float *in, const float *w, const float *bias,
                         float act_min, float act_max, float *out);
/** int8 Dense (TFLite reference_integer_ops::FullyConnected, per-channel): acc = Σ_i (in[b,i] + q->input_offset)·w[o,i]
 *  + bias[o], out = clamp(requantize(acc, q->multiplier[o], q->shift[o]) + q->output_offset, q->act_min, q->act_max).
 *  @param batch, in_n, out_n ≥ 1
 *  @param q int8 quantization (tfg_s8_channel_quant; input_offset ∈ [−127, 128], shift ∈ [−31, 30]) from prepareDense
 *  @param w [out_n, in_n] int8 weights, symmetric
 *  @param bias [out_n] int32 or NULL. Scratch: none. Always TFG_OK. Bit-exact with denseInt8 in
 *  src/reference/int8/dense.ts. */
tfg_status tfg_dense_s8(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_channel_quant *q, const int8_t *in,
                        const int8_t *w, const int32_t *bias, int8_t *out);
/** tfg_dense_s8 with Cortex-M DSP SMLAD, four rows per pass; bit-exact with it (denseInt8 in
 *  src/reference/int8/dense.ts).
 *  @param batch, in_n, out_n ≥ 1  @param q tfg_s8_dsp_quant of the layer (declareDspQuant)
 *  @param w4 W interleaved by codegen (per 4 rows: for each group of 4 inputs the 4 rows' 4 bytes, then the in_n % 4
 *  tail as 4 row bytes per input; rows padded to a multiple of 4 with zeros; 4-byte aligned; interleaveDenseRows in
 *  src/codegen/ops/dsp-weights.ts)
 *  @param folded_bias [out_n rounded up to 4] = bias[o] + input_offset·Σ_i w[o,i] (never NULL), so the inner loop needs
 *  no offset.  Scratch: none. Always TFG_OK. */
tfg_status tfg_dense_s8_dsp(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_dsp_quant *q, const int8_t *in,
                            const int8_t *w4, const int32_t *folded_bias, int8_t *out);
/** int8 Dense for ARMv7-M cores without the DSP extension (Cortex-M3): tfg_dense_s8_dsp's arguments and weight layout,
 *  four rows per LDRSB/MLA block (tfg_gemm_mla.h). Always TFG_OK. Bit-exact with tfg_dense_s8 (denseInt8 in
 *  src/reference/int8/dense.ts). */
tfg_status tfg_dense_s8_mla(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_dsp_quant *q, const int8_t *in,
                            const int8_t *w4, const int32_t *folded_bias, int8_t *out);
/** tfg_dense_s8_dsp for a layer whose rows share one multiplier and one shift code ≥ 0 (per-tensor weights, as in
 *  TFLite's fully-connected layers): the input vector is widened to int16 once into scratch instead of once per four
 *  rows, and the requantization constants are read once.  @param q multiplier[0] and shift_code[0] serve every row
 *  (shift_code[0] < 0: TFG_ERR_ARG)  @param w4, folded_bias as tfg_dense_s8_dsp
 *  @param scratch 4-byte aligned, ≥ scratch_bytes bytes, not overlapping the tensors
 *  @param scratch_bytes ≥ tfg_dense_s8_tensor_dsp_scratch_bytes(in_n), else TFG_ERR_ARG (nothing touched). Bit-exact
 *  with tfg_dense_s8. */
tfg_status tfg_dense_s8_tensor_dsp(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_dsp_quant *q,
                                   const int8_t *in, const int8_t *w4, const int32_t *folded_bias, int8_t *out,
                                   void *scratch, int32_t scratch_bytes);
/** Scratch of tfg_dense_s8_tensor_dsp: 8 bytes per whole group of four inputs. */
int32_t tfg_dense_s8_tensor_dsp_scratch_bytes(int32_t in_n);

/* ---- conv ---- */
/** Float Conv2D, NHWC, OHWI weights, with groups, dilation and explicit pads (padded taps contribute 0).
 *  @param g geometry (tfg_conv_geom: every size ≥ 1, groups divides in_c and out_c, pads ≥ 0, output sizes as the IR
 *  shape inference gives them)
 *  @param w [out_c, k_h, k_w, in_c/groups]  @param bias [out_c] or NULL
 *  @param act_min ≤ act_max the fused activation.  Scratch: none. Always TFG_OK. Matches conv2d in
 *  src/reference/float/conv2d.ts up to float accumulation order. */
tfg_status tfg_conv2d_f32(const tfg_conv_geom *g, const float *in, const float *w, const float *bias, float act_min,
                          float act_max, float *out);
/** int8 Conv2D (TFLite reference_integer_ops::ConvPerChannel; padded taps read the input zero point, so add 0).
 *  @param g geometry as tfg_conv2d_f32's
 *  @param q per-output-channel requantization from prepareConv (tfg_s8_channel_quant)
 *  @param w [out_c, k_h, k_w, in_c/groups] int8
 *  @param bias [out_c] int32 or NULL.  Scratch: none. Always TFG_OK. Bit-exact with conv2dInt8 in
 *  src/reference/int8/conv2d.ts. */
tfg_status tfg_conv2d_s8(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in, const int8_t *w,
                         const int32_t *bias, int8_t *out);
/** Largest receptive field k_h·k_w·in_c/groups tfg_conv2d_s8_dsp gathers into its scratch (larger ones use per-tap
 *  dot products and take no scratch). */
#define TFG_CONV_COL_MAX 512
/** int8 Conv2D with Cortex-M DSP SMLAD for any geometry tfg_conv2d_s8 takes (groups, dilation, pads): per output pixel
 *  and group the receptive field is gathered into one im2col column, then each output channel pair is one contiguous
 *  dot product; fields over TFG_CONV_COL_MAX use per-tap dot products instead.
 *  @param g, q, in, w, bias, out as tfg_conv2d_s8
 *  @param scratch 4-byte aligned, ≥ scratch_bytes bytes, not overlapping the tensors
 *  @param scratch_bytes ≥ tfg_conv2d_s8_dsp_scratch_bytes(g), else TFG_ERR_ARG (nothing touched). Bit-exact with
 *  tfg_conv2d_s8 (conv2dInt8 in src/reference/int8/conv2d.ts). */
tfg_status tfg_conv2d_s8_dsp(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in, const int8_t *w,
                             const int32_t *bias, int8_t *out, void *scratch, int32_t scratch_bytes);
/** Scratch of tfg_conv2d_s8_dsp: one int8 column, K = k_h·k_w·in_c/groups bytes when K ≤ TFG_CONV_COL_MAX, else 0. Same
 *  figure as convScratchBytes in src/codegen/ops/conv2d.ts (the memory planner's). */
int32_t tfg_conv2d_s8_dsp_scratch_bytes(const tfg_conv_geom *g);
/** Largest receptive field k_h·k_w·in_c of tfg_conv2d_s8_im2col_dsp (its scratch is 8 or 10 bytes per element). */
#define TFG_IM2COL_MAX 576
/** int8 Conv2D, one group, any kernel/stride/padding/dilation, with K = k_h·k_w·in_c ≤ TFG_IM2COL_MAX: int16 im2col of
 *  four output pixels, then per output channel a 1 channel × 4 pixels SMLAD block (each weight word widened once for
 *  four pixels; tfg_gemm_dsp.h), requantized with SMMULR.
 *  @param g geometry in int16 fields (tfg_conv_geom16; codegen checks they fit)
 *  @param q tfg_s8_dsp_quant (declareDspQuant)  @param input_offset −input zero point, [−127, 128]
 *  @param w the OHWI weights laid out by codegen (each channel's K zero-padded to a multiple of 4; bytes of a group of
 *  4 in order 0,2,1,3 when in_c % 4 ≠ 0; 4-byte aligned; padConvRows in src/codegen/ops/dsp-weights.ts)
 *  @param bias out_c int32 (zeros without a bias; never NULL)
 *  @param scratch 4-byte aligned, not overlapping the tensors
 *  @param scratch_bytes ≥ tfg_conv2d_s8_im2col_dsp_scratch_bytes(g), else TFG_ERR_ARG (nothing touched). Bit-exact with
 *  tfg_conv2d_s8 (conv2dInt8 in src/reference/int8/conv2d.ts). */
tfg_status tfg_conv2d_s8_im2col_dsp(const tfg_conv_geom16 *g, const tfg_s8_dsp_quant *q, int32_t input_offset,
                                    const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out, void *scratch,
                                    int32_t scratch_bytes);
/** Scratch of tfg_conv2d_s8_im2col_dsp: four int16 columns of K4 = K rounded up to 4 (8·K4 bytes), and a fifth for the
 *  natural-order gather when in_c % 4 ≠ 0 (10·K4). Same figure as convScratchBytes in src/codegen/ops/conv2d.ts. */
int32_t tfg_conv2d_s8_im2col_dsp_scratch_bytes(const tfg_conv_geom16 *g);
/** int8 pointwise Conv2D (1×1 kernel, no padding, one group, any stride, in_c ≤ TFG_IM2COL_MAX) as a GEMM over pixels,
 *  1 channel × 4 pixels per SMLAD block.
 *  @param g, q, input_offset, w, bias, scratch as tfg_conv2d_s8_im2col_dsp (K = in_c)
 *  @param scratch_bytes ≥ tfg_conv2d_s8_1x1_dsp_scratch_bytes(g), else TFG_ERR_ARG (nothing touched). Bit-exact with
 *  tfg_conv2d_s8 (conv2dInt8 in src/reference/int8/conv2d.ts). */
tfg_status tfg_conv2d_s8_1x1_dsp(const tfg_conv_geom16 *g, const tfg_s8_dsp_quant *q, int32_t input_offset,
                                 const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out, void *scratch,
                                 int32_t scratch_bytes);
/** Scratch of tfg_conv2d_s8_1x1_dsp: as tfg_conv2d_s8_im2col_dsp_scratch_bytes with K = in_c. */
int32_t tfg_conv2d_s8_1x1_dsp_scratch_bytes(const tfg_conv_geom16 *g);
/** int8 Conv2D for ARMv7-M cores without the DSP extension (Cortex-M3), one group, any kernel/stride/padding/dilation
 *  (pointwise included), K = k_h·k_w·in_c ≤ TFG_IM2COL_MAX: int32 im2col of four output pixels, then per output
 *  channel a 1 channel × 4 pixels MLA block (each weight sign-extended once for four pixels; tfg_gemm_mla.h),
 *  requantized as the _dsp kernels do.
 *  @param g, q, input_offset, bias, scratch as tfg_conv2d_s8_im2col_dsp
 *  @param w the OHWI weights with each channel's K zero-padded to a multiple of 4, natural byte order, 4-byte aligned
 *  (padConvRows in src/codegen/ops/dsp-weights.ts without the permutation)
 *  @param scratch_bytes ≥ tfg_conv2d_s8_im2col_mla_scratch_bytes(g), else TFG_ERR_ARG (nothing touched). Bit-exact with
 *  tfg_conv2d_s8 (conv2dInt8 in src/reference/int8/conv2d.ts). */
tfg_status tfg_conv2d_s8_im2col_mla(const tfg_conv_geom16 *g, const tfg_s8_dsp_quant *q, int32_t input_offset,
                                    const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out, void *scratch,
                                    int32_t scratch_bytes);
/** Scratch of tfg_conv2d_s8_im2col_mla: four int32 columns of K rounded up to 4 (16·K4 bytes). Same figure as
 *  convScratchBytes in src/codegen/ops/conv2d.ts. */
int32_t tfg_conv2d_s8_im2col_mla_scratch_bytes(const tfg_conv_geom16 *g);
/** int8 Conv2D with few input channels (in_c ≤ 3, one group, dil_w = 1, any kernel/stride/padding/dil_h, K =
 *  k_h·k_w·in_c ≤ TFG_IM2COL_MAX) with Cortex-M DSP SMLAD: an image model's first layer. Each window row is one run
 *  of k_w·in_c bytes, gathered a word at a time, the rows' last run % 4 bytes in a shared tail; then
 *  tfg_conv2d_s8_im2col_dsp's GEMM core.
 *  @param g, q, input_offset, bias, scratch as tfg_conv2d_s8_im2col_dsp
 *  @param w the OHWI weights in the kernel's field order, each channel zero-padded to a multiple of 4, the tail's groups
 *  in byte order 0,2,1,3; 4-byte aligned (fewChannelRows in src/codegen/ops/dsp-weights.ts)
 *  @param scratch_bytes ≥ tfg_conv2d_s8_fewch_dsp_scratch_bytes(g), else TFG_ERR_ARG (nothing touched). Bit-exact with
 *  tfg_conv2d_s8 (conv2dInt8 in src/reference/int8/conv2d.ts). */
tfg_status tfg_conv2d_s8_fewch_dsp(const tfg_conv_geom16 *g, const tfg_s8_dsp_quant *q, int32_t input_offset,
                                   const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out, void *scratch,
                                   int32_t scratch_bytes);
/** Scratch of tfg_conv2d_s8_fewch_dsp: four int16 columns of K rounded up to 4 (8·K4 bytes). Same figure as
 *  convScratchBytes in src/codegen/ops/conv2d.ts. */
int32_t tfg_conv2d_s8_fewch_dsp_scratch_bytes(const tfg_conv_geom16 *g);
/** tfg_conv2d_s8_fewch_dsp for ARMv7-M cores without the DSP extension (Cortex-M3): the same field order as int32
 *  columns, then tfg_conv2d_s8_im2col_mla's MLA block.
 *  @param g, q, input_offset, bias, scratch as tfg_conv2d_s8_fewch_dsp
 *  @param w as tfg_conv2d_s8_fewch_dsp's, without the tail's byte permutation
 *  @param scratch_bytes ≥ tfg_conv2d_s8_fewch_mla_scratch_bytes(g), else TFG_ERR_ARG (nothing touched). Bit-exact with
 *  tfg_conv2d_s8 (conv2dInt8 in src/reference/int8/conv2d.ts). */
tfg_status tfg_conv2d_s8_fewch_mla(const tfg_conv_geom16 *g, const tfg_s8_dsp_quant *q, int32_t input_offset,
                                   const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out, void *scratch,
                                   int32_t scratch_bytes);
/** Scratch of tfg_conv2d_s8_fewch_mla: four int32 columns of K rounded up to 4 (16·K4 bytes). Same figure as
 *  convScratchBytes in src/codegen/ops/conv2d.ts. */
int32_t tfg_conv2d_s8_fewch_mla_scratch_bytes(const tfg_conv_geom16 *g);
/** Float DepthwiseConv2D: output channel c·m + j (m = depth_multiplier ≥ 1) reads input channel c only; dilation and
 *  explicit pads as tfg_conv2d_f32.
 *  @param g geometry (out_c = in_c·depth_multiplier)  @param w [1, k_h, k_w, out_c]  @param bias [out_c] or NULL
 *  @param act_min ≤ act_max.  Scratch: none. Always TFG_OK. Matches depthwiseConv2d in
 *  src/reference/float/depthwise-conv2d.ts up to float accumulation order. */
tfg_status tfg_depthwise_conv2d_f32(const tfg_conv_geom *g, const float *in, const float *w, const float *bias,
                                    float act_min, float act_max, float *out);
/** int8 DepthwiseConv2D (TFLite reference_integer_ops::DepthwiseConvPerChannel).
 *  @param g as tfg_depthwise_conv2d_f32's  @param q per-output-channel requantization (prepareConv)
 *  @param w [1, k_h, k_w, out_c] int8
 *  @param bias [out_c] or NULL. Scratch: none. Always TFG_OK. Bit-exact with depthwiseConv2dInt8 in
 *  src/reference/int8/depthwise-conv2d.ts. */
tfg_status tfg_depthwise_conv2d_s8(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in,
                                   const int8_t *w, const int32_t *bias, int8_t *out);
/** Bounds codegen keeps tfg_depthwise_conv2d_s8_dsp within: its row ring (k_h·G·W_p·8 bytes) or 3×3 stride-1 planes
 *  (two of P = (out_h + 2)·(out_w + 2) bytes, or one when two would pass this bound, + 4, from TFG_DW_PLANE_MIN_OUTPUTS
 *  outputs), and widened weights (G·k_h·k_w·8 bytes), G = ⌈channels / 4⌉,
 *  W_p = (out_w − 1)·stride_w + k_w; k_h ≤ TFG_DW_MAX_KH. */
#define TFG_DW_ROWBUF_BYTES 8192
#define TFG_DW_WBUF_BYTES 4608
#define TFG_DW_MAX_KH 16
/** tfg_depthwise_conv2d_s8_dsp takes its 3×3 stride-1 plane path from this many outputs per channel (out_h·out_w; its
 *  block passes need two outputs along a line). */
#define TFG_DW_PLANE_MIN_OUTPUTS 9
/** int8 DepthwiseConv2D with Cortex-M DSP (depth multiplier 1, dilation 1, k_h ≤ TFG_DW_MAX_KH). 3×3 at stride 1 (from
 *  TFG_DW_PLANE_MIN_OUTPUTS outputs): two channels' padded int8 planes filled at a time, each channel through blocks of
 *  two lines × two outputs with SMLAD over tap pairs. Other windows: input rows and
 *  weights widened to int16 pairs in the scratch (input offset added, padding 0), then per tap of 4 channels two LDRD
 *  and four SMLABB/SMLATT, 3×3 windows unrolled.
 *  @param g tfg_conv_geom16 (codegen checks the values fit)  @param q tfg_s8_dsp_quant
 *  @param input_offset −input zero point  @param w [1, k_h, k_w, channels] int8
 *  @param bias4 the bias padded with zeros to a multiple of 4 (never NULL)
 *  @param scratch 4-byte aligned, not overlapping the tensors
 *  @param scratch_bytes ≥ tfg_depthwise_conv2d_s8_dsp_scratch_bytes(g) (codegen keeps its parts within
 *  TFG_DW_ROWBUF_BYTES and TFG_DW_WBUF_BYTES), else TFG_ERR_ARG (nothing touched). Bit-exact with
 *  tfg_depthwise_conv2d_s8 (depthwiseConv2dInt8 in src/reference/int8/depthwise-conv2d.ts). */
tfg_status tfg_depthwise_conv2d_s8_dsp(const tfg_conv_geom16 *g, const tfg_s8_dsp_quant *q, int32_t input_offset,
                                       const int8_t *in, const int8_t *w, const int32_t *bias4, int8_t *out,
                                       void *scratch, int32_t scratch_bytes);
/** Scratch of tfg_depthwise_conv2d_s8_dsp: 3×3 at stride 1 (from TFG_DW_PLANE_MIN_OUTPUTS outputs) the padded planes (2·P + 4
 *  bytes, P = (out_h + 2)·(out_w + 2), or P + 4 when that passes TFG_DW_ROWBUF_BYTES), else
 *  the ring of k_h widened rows (k_h·G·W_p·8 bytes) and the widened weights (G·k_h·k_w·8), G = ⌈channels / 4⌉,
 *  W_p = (out_w − 1)·stride_w + k_w. Same figure as depthwiseDspScratch in
 *  src/codegen/ops/depthwise-conv2d.ts (their sum). */
int32_t tfg_depthwise_conv2d_s8_dsp_scratch_bytes(const tfg_conv_geom16 *g);
/** int8 DepthwiseConv2D for ARMv7-M cores without the DSP extension (Cortex-M3; depth multiplier 1, dilation 1,
 *  k_h ≤ TFG_DW_MAX_KH): per group of 4 channels, the weights and a ring of k_h input rows widened to int32 (input
 *  offset added, padding 0), then per tap of 4 channels four MLA.
 *  @param g, q, input_offset, w, bias4, scratch as tfg_depthwise_conv2d_s8_dsp
 *  @param scratch_bytes ≥ tfg_depthwise_conv2d_s8_mla_scratch_bytes(g) (codegen keeps its rows within
 *  TFG_DW_ROWBUF_BYTES and its weights within TFG_DW_WBUF_BYTES), else TFG_ERR_ARG (nothing touched). Bit-exact with
 *  tfg_depthwise_conv2d_s8 (depthwiseConv2dInt8 in src/reference/int8/depthwise-conv2d.ts). */
tfg_status tfg_depthwise_conv2d_s8_mla(const tfg_conv_geom16 *g, const tfg_s8_dsp_quant *q, int32_t input_offset,
                                       const int8_t *in, const int8_t *w, const int32_t *bias4, int8_t *out,
                                       void *scratch, int32_t scratch_bytes);
/** Scratch of tfg_depthwise_conv2d_s8_mla: k_h·W_p·16 bytes of int32 rows and k_h·k_w·16 of int32 weights,
 *  W_p = (out_w − 1)·stride_w + k_w. Same figure as depthwiseMlaScratch in src/codegen/ops/depthwise-conv2d.ts (their
 *  sum). */
int32_t tfg_depthwise_conv2d_s8_mla_scratch_bytes(const tfg_conv_geom16 *g);

/** Float ConvTranspose, NHWC, OHWI weights [out_c, k_h, k_w, in_c], one group, no dilation: output (oy, ox) sums
 *  the input pixels iy = (oy + pad_top − ky) / stride_h (exact division, inside the image; likewise x) · w[oc,ky,kx,:],
 *  then bias and the fused activation.
 *  @param g geometry (tfg_conv_geom, groups = 1, dil = 1, output sizes as the IR shape inference gives them: pads
 *  and output padding are in out_h / out_w and pad_top / pad_left)  @param bias [out_c] or NULL.  Scratch: none.
 *  Always TFG_OK. Matches convTranspose in src/reference/float/conv-transpose.ts up to float accumulation order. */
tfg_status tfg_conv_transpose_f32(const tfg_conv_geom *g, const float *in, const float *w, const float *bias,
                                  float act_min, float act_max, float *out);
/** int8 ConvTranspose (TFLite reference_integer_ops::TransposeConv, per channel): the taps of tfg_conv_transpose_f32
 *  summed as Σ (x + input_offset)·w in int32, + bias, requantized per channel as tfg_conv2d_s8.
 *  @param g as tfg_conv_transpose_f32's  @param bias [out_c] int32 or NULL.  Scratch: none. Always TFG_OK.
 *  Bit-exact with convTransposeInt8 in src/reference/int8/conv-transpose.ts. */
tfg_status tfg_conv_transpose_s8(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in,
                                 const int8_t *w, const int32_t *bias, int8_t *out);

/* ---- pool ---- */
/** Float MaxPool: max over the window's in-bounds positions, then clamp to [act_min, act_max].
 *  @param g pool geometry (every size ≥ 1, pads ≥ 0)  Scratch: none. Always TFG_OK. Bit-exact with maxPool in
 *  src/reference/float/max-pool.ts. */
tfg_status tfg_maxpool_f32(const tfg_pool_geom *g, float act_min, float act_max, const float *in, float *out);
/** int8 MaxPool (input and output share one quantization): max over the window's in-bounds positions, clamped to
 *  [act_min, act_max] ⊆ [−128, 127].  Scratch: none. Always TFG_OK. Bit-exact with maxPoolInt8 in
 *  src/reference/int8/max-pool.ts. */
tfg_status tfg_maxpool_s8(const tfg_pool_geom *g, int32_t act_min, int32_t act_max, const int8_t *in, int8_t *out);
/** Float AveragePool: mean over the window's in-bounds positions (count_include_pad = 1: divided by the positions
 *  inside the padded input), then clamped.
 *  @param count_include_pad 0 or 1.  Scratch: none. Always TFG_OK. Matches averagePool in
 *  src/reference/float/average-pool.ts up to float accumulation order. */
tfg_status tfg_avgpool_f32(const tfg_pool_geom *g, int32_t count_include_pad, float act_min, float act_max,
                           const float *in, float *out);
/** int8 AveragePool (TFLite reference, one quantization for input and output): the sum over the window divided by its
 *  count with rounding half away from zero; with count_include_pad, padded positions hold pad_value (the zero point);
 *  an empty window gives pad_value.
 *  @param pad_value, act_min ≤ act_max ∈ [−128, 127].  Scratch: none. Always TFG_OK. Bit-exact with averagePoolInt8 in
 *  src/reference/int8/average-pool.ts. */
tfg_status tfg_avgpool_s8(const tfg_pool_geom *g, int32_t count_include_pad, int32_t pad_value, int32_t act_min,
                          int32_t act_max, const int8_t *in, int8_t *out);
/** Float GlobalAveragePool: mean over hw positions per channel, in [batch, hw, channels] → out [batch, channels].
 *  @param batch, hw, channels ≥ 1.  Scratch: none. Always TFG_OK. Matches globalAveragePool in
 *  src/reference/float/global-average-pool.ts up to float accumulation order. */
tfg_status tfg_global_avgpool_f32(int32_t batch, int32_t hw, int32_t channels, const float *in, float *out);
/** int8 global average as TFLite's quantized Mean: acc = requantize(Σ (x − input_zero_point), multiplier, shift) with
 *  (multiplier, shift) = quantizeMultiplier(s_in/s_out), then divided by hw rounding half away from zero, +
 *  output_zero_point, clamped to int8.
 *  @param batch, hw, channels ≥ 1 (hw·255 < 2^31)
 *  @param zero points ∈ [−128, 127].  Scratch: none. Always TFG_OK. Bit-exact with globalAveragePoolInt8 in
 *  src/reference/int8/global-average-pool.ts. */
tfg_status tfg_global_avgpool_s8(int32_t batch, int32_t hw, int32_t channels, int32_t input_zero_point,
                                 int32_t output_zero_point, int32_t multiplier, int32_t shift, const int8_t *in,
                                 int8_t *out);

/* ---- element-wise binary (same shape: n elements; _bcast: strided broadcasting) ---- */
/** Float Add of two same-shape tensors: out[i] = clamp(a[i] + b[i], act_min, act_max).
 *  @param n ≥ 1 elements. In place allowed (out == a or out == b). Scratch: none. Always TFG_OK. Bit-exact with add in
 *  src/reference/float/add.ts. */
tfg_status tfg_add_f32(int32_t n, const float *a, const float *b, float act_min, float act_max, float *out);
/** Float Add with broadcasting: out index i (p->dims, rank ≤ TFG_MAX_DIMS, row-major) reads a at Σ i·a_strides, b at Σ
 *  i·b_strides (stride 0 on a broadcast axis), then the clamp.  Out may equal an input of the output's shape. Scratch:
 *  none. Always TFG_OK. Bit-exact with add in src/reference/float/add.ts. */
tfg_status tfg_add_f32_bcast(const tfg_bcast *p, const float *a, const float *b, float act_min, float act_max,
                             float *out);
/** Float Min / Max with broadcasting (p as for tfg_add_f32_bcast): out = b < a ? b : a (Max: b > a ? b : a).
 *  Out may equal an input of the output's shape. Scratch: none. Always TFG_OK. Bit-exact with min / max in
 *  src/reference/float/min-max-pow.ts. */
tfg_status tfg_min_f32_bcast(const tfg_bcast *p, const float *a, const float *b, float *out);
tfg_status tfg_max_f32_bcast(const tfg_bcast *p, const float *a, const float *b, float *out);
/** Float Pow with broadcasting: out = powf(a, b).  Out may equal an input of the output's shape. Scratch: none. Always
 *  TFG_OK. Within float tolerance of pow in src/reference/float/min-max-pow.ts (libm powf vs float64). */
tfg_status tfg_pow_f32_bcast(const tfg_bcast *p, const float *a, const float *b, float *out);
/** int8 Min / Max with broadcasting: both inputs requantized to the output (req[0] for a, req[1] for b, from
 *  prepareMinMax; identity = a copy), then the smaller (take_max = 0) or larger value.  Out may equal an input of the
 *  output's shape. Scratch: none. Always TFG_OK. Bit-exact with minMaxInt8 in src/reference/int8/min-max.ts. */
tfg_status tfg_minmax_s8_bcast(const tfg_bcast *p, const tfg_requant_params *req, int32_t take_max, const int8_t *a,
                               const int8_t *b, int8_t *out);
/** Float Sub of two same-shape tensors: out[i] = clamp(a[i] − b[i], act_min, act_max).
 *  @param n ≥ 1 elements. In place allowed (out == a or out == b). Scratch: none. Always TFG_OK. Bit-exact with sub in
 *  src/reference/float/sub.ts. */
tfg_status tfg_sub_f32(int32_t n, const float *a, const float *b, float act_min, float act_max, float *out);
/** Float Sub with broadcasting: out index i (p->dims, rank ≤ TFG_MAX_DIMS, row-major) reads a at Σ i·a_strides, b at Σ
 *  i·b_strides (stride 0 on a broadcast axis), then the clamp.  Out may equal an input of the output's shape. Scratch:
 *  none. Always TFG_OK. Bit-exact with sub in src/reference/float/sub.ts. */
tfg_status tfg_sub_f32_bcast(const tfg_bcast *p, const float *a, const float *b, float act_min, float act_max,
                             float *out);
/** Float Mul of two same-shape tensors: out[i] = clamp(a[i] · b[i], act_min, act_max).
 *  @param n ≥ 1 elements. In place allowed (out == a or out == b). Scratch: none. Always TFG_OK. Bit-exact with mul in
 *  src/reference/float/mul.ts. */
tfg_status tfg_mul_f32(int32_t n, const float *a, const float *b, float act_min, float act_max, float *out);
/** Float Mul with broadcasting: out index i (p->dims, rank ≤ TFG_MAX_DIMS, row-major) reads a at Σ i·a_strides, b at Σ
 *  i·b_strides (stride 0 on a broadcast axis), then the clamp.  Out may equal an input of the output's shape. Scratch:
 *  none. Always TFG_OK. Bit-exact with mul in src/reference/float/mul.ts. */
tfg_status tfg_mul_f32_bcast(const tfg_bcast *p, const float *a, const float *b, float act_min, float act_max,
                             float *out);
/** Float Div of two same-shape tensors: out[i] = a[i] / b[i] (IEEE: ±inf or NaN for b = 0), no activation.
 *  @param n ≥ 1.  In place allowed. Scratch: none. Always TFG_OK. Bit-exact with div in src/reference/float/div.ts. */
tfg_status tfg_div_f32(int32_t n, const float *a, const float *b, float *out);
/** Float Div with broadcasting (p as tfg_add_f32_bcast's).  Scratch: none. Always TFG_OK. Bit-exact with div in
 *  src/reference/float/div.ts. */
tfg_status tfg_div_f32_bcast(const tfg_bcast *p, const float *a, const float *b, float *out);
/** int8 Add (TFLite reference_ops::AddElementwise): both inputs offset, shifted left by p->left_shift (20) and scaled
 *  to 2·max(s_a, s_b), summed, requantized to the output and clamped to [p->act_min, p->act_max].
 *  @param n ≥ 1
 *  @param p from prepareAdd (src/reference/int8/add.ts).  In place allowed. Scratch: none. Always TFG_OK. Bit-exact
 *  with addInt8 in src/reference/int8/add.ts. */
tfg_status tfg_add_s8(int32_t n, const tfg_add_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out);
/** int8 Add with broadcasting (bc as tfg_add_f32_bcast's p; p as tfg_add_s8's).  Scratch: none. Always TFG_OK.
 *  Bit-exact with addInt8 in src/reference/int8/add.ts. */
tfg_status tfg_add_s8_bcast(const tfg_bcast *bc, const tfg_add_s8_params *p, const int8_t *a, const int8_t *b,
                            int8_t *out);
/** int8 Add of same-shape tensors: each input's requantization read from a table, the output's as one SMMULR (p and
 *  the tables prepared from tfg_add_s8's parameters by src/codegen/ops/add.ts).
 *  @param ta, tb [256]: at x + 128, 2·MultiplyByQuantizedMultiplier((x + offset)·2^20, multiplier, shift) of that
 *  input (addInputTable)
 *  @param n ≥ 1.  In place allowed. Scratch: none. Always TFG_OK. Bit-exact with tfg_add_s8 (addInt8 in
 *  src/reference/int8/add.ts). */
tfg_status tfg_add_s8_dsp(int32_t n, const tfg_add_s8_dsp_params *p, const int32_t *ta, const int32_t *tb,
                          const int8_t *a, const int8_t *b, int8_t *out);
/** int8 Sub: tfg_add_s8's arithmetic with the scaled inputs subtracted (reference_ops::SubElementwise); p from
 *  prepareAdd.
 *  @param n ≥ 1.  In place allowed. Scratch: none. Always TFG_OK. Bit-exact with subInt8 in src/reference/int8/add.ts.
 */
tfg_status tfg_sub_s8(int32_t n, const tfg_add_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out);
/** int8 Sub with broadcasting (bc as tfg_add_f32_bcast's).  Scratch: none. Always TFG_OK. Bit-exact with subInt8 in
 *  src/reference/int8/add.ts. */
tfg_status tfg_sub_s8_bcast(const tfg_bcast *bc, const tfg_add_s8_params *p, const int8_t *a, const int8_t *b,
                            int8_t *out);
/** int8 Mul (TFLite reference): out = clamp(requantize((a + a_offset)·(b + b_offset), multiplier, shift) +
 *  output_offset, act_min, act_max), (multiplier, shift) = quantizeMultiplier(s_a·s_b/s_out).
 *  @param n ≥ 1  @param p from prepareMul. In place allowed. Scratch: none. Always TFG_OK. Bit-exact with mulInt8 in
 *  src/reference/int8/mul.ts. */
tfg_status tfg_mul_s8(int32_t n, const tfg_mul_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out);
/** int8 Mul with broadcasting (bc as tfg_add_f32_bcast's).  Scratch: none. Always TFG_OK. Bit-exact with mulInt8 in
 *  src/reference/int8/mul.ts. */
tfg_status tfg_mul_s8_bcast(const tfg_bcast *bc, const tfg_mul_s8_params *p, const int8_t *a, const int8_t *b,
                            int8_t *out);

/* ---- activations ---- */
/** Float clamp to [lo, hi] (lo ≤ hi): Relu is [0, FLT_MAX], Clip is [min, max].
 *  @param n ≥ 1.  In place allowed. Scratch: none. Always TFG_OK. Bit-exact with relu / clip in
 *  src/reference/float/{relu,clip}.ts. */
tfg_status tfg_clip_f32(int32_t n, float lo, float hi, const float *in, float *out);
/** Float LeakyRelu: out[i] = in[i] < 0 ? alpha·in[i] : in[i].
 *  @param n ≥ 1.  In place allowed. Scratch: none. Always TFG_OK. Bit-exact with leakyRelu in
 *  src/reference/float/leaky-relu.ts. */
tfg_status tfg_leaky_relu_f32(int32_t n, float alpha, const float *in, float *out);
/** Float Sigmoid: out[i] = 1 / (1 + expf(−in[i])).
 *  @param n ≥ 1.  In place allowed. Scratch: none. Always TFG_OK. Within float tolerance of sigmoid in
 *  src/reference/float/sigmoid.ts (libm expf vs the reference's float64). */
tfg_status tfg_sigmoid_f32(int32_t n, const float *in, float *out);
/** Float Tanh: out[i] = tanhf(in[i]).
 *  @param n ≥ 1.  In place allowed. Scratch: none. Always TFG_OK. Within float tolerance of tanh in
 *  src/reference/float/tanh.ts (libm tanhf vs the reference's float64). */
tfg_status tfg_tanh_f32(int32_t n, const float *in, float *out);
/** Float HardSwish: out[i] = x · min(max(x + 3, 0), 6) / 6, each step in float.
 *  @param n ≥ 1.  In place allowed. Scratch: none. Always TFG_OK. Within float tolerance of hardSwish in
 *  src/reference/float/hard-swish.ts (the same float32 steps). */
tfg_status tfg_hard_swish_f32(int32_t n, const float *in, float *out);
/** Float HardSigmoid: out[i] = min(max(alpha·x + beta, 0), 1), each step in float.
 *  @param n ≥ 1.  In place allowed. Scratch: none. Always TFG_OK. Within float tolerance of hardSigmoid in
 *  src/reference/float/hard-sigmoid.ts (the same float32 steps; the compiler may fuse the multiply-add). */
tfg_status tfg_hard_sigmoid_f32(int32_t n, float alpha, float beta, const float *in, float *out);
/** Float Exp: out[i] = expf(in[i]).
 *  @param n ≥ 1.  In place allowed. Scratch: none. Always TFG_OK. Within float tolerance of exp in
 *  src/reference/float/exp.ts (libm expf vs the reference's float64). */
tfg_status tfg_exp_f32(int32_t n, const float *in, float *out);
/** Float Log: out[i] = logf(in[i]).
 *  @param n ≥ 1.  In place allowed. Scratch: none. Always TFG_OK. Within float tolerance of log in
 *  src/reference/float/log.ts (libm logf vs the reference's float64). */
tfg_status tfg_log_f32(int32_t n, const float *in, float *out);
/** Float one-input math and activations: out[i] = f(in[i]) with f as the op's function in
 *  src/reference/float/unary-math.ts (Abs, Sqrt, Reciprocal, Floor, Ceil, Round half to even, Sign, Erf, Sin, Cos, Elu,
 *  Selu, Celu, Softplus, Softsign, ThresholdedRelu, Mish, Gelu and its tanh form), attributes as the ONNX op's.
 *  @param n ≥ 1.  In place allowed. Scratch: none. Always TFG_OK. Within float tolerance of the reference (libm's
 *  float functions vs the reference's float64); Abs, Floor, Ceil, Round, Sign and ThresholdedRelu are exact. */
tfg_status tfg_abs_f32(int32_t n, const float *in, float *out);
tfg_status tfg_sqrt_f32(int32_t n, const float *in, float *out);
tfg_status tfg_reciprocal_f32(int32_t n, const float *in, float *out);
tfg_status tfg_floor_f32(int32_t n, const float *in, float *out);
tfg_status tfg_ceil_f32(int32_t n, const float *in, float *out);
tfg_status tfg_round_f32(int32_t n, const float *in, float *out);
tfg_status tfg_sign_f32(int32_t n, const float *in, float *out);
tfg_status tfg_erf_f32(int32_t n, const float *in, float *out);
tfg_status tfg_sin_f32(int32_t n, const float *in, float *out);
tfg_status tfg_cos_f32(int32_t n, const float *in, float *out);
tfg_status tfg_elu_f32(int32_t n, float alpha, const float *in, float *out);
tfg_status tfg_selu_f32(int32_t n, float alpha, float gamma, const float *in, float *out);
tfg_status tfg_celu_f32(int32_t n, float alpha, const float *in, float *out);
tfg_status tfg_softplus_f32(int32_t n, const float *in, float *out);
tfg_status tfg_softsign_f32(int32_t n, const float *in, float *out);
tfg_status tfg_thresholded_relu_f32(int32_t n, float alpha, const float *in, float *out);
tfg_status tfg_mish_f32(int32_t n, const float *in, float *out);
tfg_status tfg_gelu_f32(int32_t n, const float *in, float *out);
tfg_status tfg_gelu_tanh_f32(int32_t n, const float *in, float *out);
/** Float PRelu: out[i] = in[i] < 0 ? slope[(i / inner) % count]·in[i] : in[i].
 *  @param n, count, inner ≥ 1 (codegen: slopeLayout in src/ir/ops/prelu.ts).  In place allowed. Scratch: none.
 *  Always TFG_OK. Bit-exact with prelu in src/reference/float/prelu.ts. */
tfg_status tfg_prelu_f32(int32_t n, int32_t count, int32_t inner, const float *slope, const float *in, float *out);
/** int8 PRelu: the slope value of element i is alpha[(i / inner) % count], as tfg_prelu_f32.
 *  @param n, count, inner ≥ 1; p from preparePrelu.  In place allowed. Scratch: none. Always TFG_OK. Bit-exact with
 *  preluInt8 in src/reference/int8/prelu.ts. */
tfg_status tfg_prelu_s8(int32_t n, int32_t count, int32_t inner, const tfg_prelu_s8_params *p, const int8_t *alpha,
                        const int8_t *in, int8_t *out);
/** Float Softmax over the middle axis of [outer, depth, inner]: exp(beta·(x − max)) / Σ.
 *  @param outer, depth, inner ≥ 1
 *  @param beta > 0.  Scratch: none. Always TFG_OK. Within float tolerance of softmax in src/reference/float/softmax.ts.
 */
tfg_status tfg_softmax_f32(int32_t outer, int32_t depth, int32_t inner, float beta, const float *in, float *out);
/** Float LogSoftmax over the middle axis of [outer, depth, inner]: (x − max) − ln Σ e^(x − max).
 *  @param outer, depth, inner ≥ 1.  Not in place. Scratch: none. Always TFG_OK. Within float tolerance of logSoftmax in
 *  src/reference/float/log-softmax.ts. */
tfg_status tfg_log_softmax_f32(int32_t outer, int32_t depth, int32_t inner, const float *in, float *out);
/** int8 Softmax (TFLite reference_ops::Softmax, gemmlowp fixed-point exp and reciprocal) over the middle axis of
 *  [p->outer, p->depth, p->inner]; output scale 1/256, zero point −128.
 *  @param p from prepareSoftmax (src/reference/int8/softmax.ts). Scratch: none. Always TFG_OK. Bit-exact with
 *  softmaxInt8 in src/reference/int8/softmax.ts. */
tfg_status tfg_softmax_s8(const tfg_softmax_s8_params *p, const int8_t *in, int8_t *out);
/** int8 Relu/Clip (TFLM ReluQuantized): requantize to the output quantization (p, prepareRelu), clamp to [lo, hi]
 *  (quantized bounds, −128 ≤ lo ≤ hi ≤ 127).
 *  @param n ≥ 1.  In place allowed. Scratch: none. Always TFG_OK. Bit-exact with reluInt8 in
 *  src/reference/int8/relu.ts. */
tfg_status tfg_clip_s8(int32_t n, const tfg_requant_params *p, int32_t lo, int32_t hi, const int8_t *in, int8_t *out);
/** int8 element-wise function by lookup: out[i] = table[in[i] + 128].
 *  @param n ≥ 1
 *  @param table 256 entries, from the reference's prepare step (HardSwish: prepareHardSwish in
 *  src/reference/int8/hard-swish.ts; Sigmoid, Tanh, HardSigmoid, Exp, Log and the unary math ops: prepareLut in src/reference/int8/lut.ts).  In place allowed. Scratch: none. Always TFG_OK. Bit-exact with the reference. */
tfg_status tfg_lut_s8(int32_t n, const int8_t *table, const int8_t *in, int8_t *out);

/* ---- reductions ---- */
/** Float ReduceMean / ReduceMax / ReduceSum (p as tfg_reduce_params), summing in float in row-major order.
 *  Not in place. Scratch: none. Always TFG_OK. Bit-exact with src/reference/float/reduce.ts (same order and steps). */
tfg_status tfg_reduce_f32(const tfg_reduce_params *p, const float *in, float *out);
/** Float ReduceMin / ReduceProd / ReduceL1 / ReduceL2 / ReduceSumSquare / ReduceLogSumExp (p as tfg_reduce_params),
 *  accumulating in float in row-major order; LogSumExp takes the max first and sums e^(x − max).  Not in place.
 *  Scratch: none. Always TFG_OK. Within float tolerance of src/reference/float/reduce-math.ts (the same steps; libm's
 *  float functions). */
tfg_status tfg_reduce_math_f32(const tfg_reduce_params *p, const float *in, float *out);
/** int8 ReduceMean / ReduceSum (TFLite MEAN arithmetic: Σ(x − zp_in), requantize, mean divides rounding half away,
 *  + zp_out, clamp) and ReduceMax (input quantization kept).  Not in place. Scratch: none. Always TFG_OK. Bit-exact
 *  with reduceInt8 in src/reference/int8/reduce.ts. */
tfg_status tfg_reduce_s8(const tfg_reduce_params *p, const int8_t *in, int8_t *out);
/** ArgMax (find_min 0) / ArgMin (find_min 1) of a tensor seen as [outer, axis_dim, inner]: out[o·inner + i] is the
 *  index along the axis of the extreme value, the first one on ties, the last with select_last.
 *  @param outer, axis_dim, inner ≥ 1  @param out [outer·inner] int32.  Not in place. Scratch: none. Always TFG_OK.
 *  Bit-exact with argReduceValues in src/reference/float/arg-reduce.ts (int8: the codes are compared, as TFLite does). */
tfg_status tfg_arg_reduce_f32(int32_t outer, int32_t axis_dim, int32_t inner, int32_t find_min, int32_t select_last,
                              const float *in, int32_t *out);
tfg_status tfg_arg_reduce_s8(int32_t outer, int32_t axis_dim, int32_t inner, int32_t find_min, int32_t select_last,
                             const int8_t *in, int32_t *out);

/* ---- shape ---- */
/** Float Concat: for each of `outer` rows, the row_elems[k] = axis_k·inner elements of every input k in turn.
 *  @param outer ≥ 1, n_inputs ≥ 1
 *  @param inputs n_inputs pointers, none overlapping out.  Scratch: none. Always TFG_OK. Bit-exact with concat in
 *  src/reference/float/concat.ts. */
tfg_status tfg_concat_f32(int32_t outer, int32_t n_inputs, const float *const *inputs, const int32_t *row_elems,
                          float *out);
/** int8 Concat: inputs with the output's quantization are copied, the others requantized with req[k] (one per input,
 *  prepareRequantize).  Other parameters as tfg_concat_f32.  Scratch: none. Always TFG_OK. Bit-exact with concatInt8 in
 *  src/reference/int8/concat.ts. */
tfg_status tfg_concat_s8(int32_t outer, int32_t n_inputs, const int8_t *const *inputs, const int32_t *row_elems,
                         const tfg_requant_params *req, int8_t *out);
/** Float Transpose: out[i] = in[Σ i_d·p->in_strides[d]], i walking p->out_dims row-major (rank ≤ TFG_MAX_DIMS; the
 *  strides already permuted by codegen).  Not in place. Scratch: none. Always TFG_OK. Bit-exact with transpose in
 *  src/reference/float/transpose.ts. */
tfg_status tfg_transpose_f32(const tfg_transpose_params *p, const float *in, float *out);
/** int8 Transpose, as tfg_transpose_f32 on bytes (quantization unchanged).  Scratch: none. Always TFG_OK. Bit-exact
 *  with transposeInt8 in src/reference/int8/transpose.ts. */
tfg_status tfg_transpose_s8(const tfg_transpose_params *p, const int8_t *in, int8_t *out);
/** Float constant Pad: out (p->out_dims) holds `value` except where in (p->in_dims) lands at offset p->begin[d] (pads ≥
 *  0, rank ≤ TFG_MAX_DIMS).  Not in place. Scratch: none. Always TFG_OK. Bit-exact with pad in
 *  src/reference/float/pad.ts. */
tfg_status tfg_pad_f32(const tfg_pad_params *p, float value, const float *in, float *out);
/** int8 constant Pad, as tfg_pad_f32 with `value` quantized by codegen like the reference.  Scratch: none. Always
 *  TFG_OK. Bit-exact with padInt8 in src/reference/int8/pad.ts. */
tfg_status tfg_pad_s8(const tfg_pad_params *p, int8_t value, const int8_t *in, int8_t *out);
/** Float strided copy: out[i] = in[p->offset + Σ i_d·p->in_strides[d]], i walking p->out_dims row-major (rank ≤
 *  TFG_MAX_DIMS, every dim ≥ 1, every index read inside `in`).  Not in place. Scratch: none. Always TFG_OK. Bit-exact
 *  with copyStrided in src/reference/strided-view.ts (Slice, Expand, ChannelShuffle). */
tfg_status tfg_strided_copy_f32(const tfg_strided_copy_params *p, const float *in, float *out);
/** int8 strided copy, as tfg_strided_copy_f32 on bytes (quantization unchanged).  Scratch: none. Always TFG_OK.
 *  Bit-exact with copyStrided in src/reference/strided-view.ts. */
tfg_status tfg_strided_copy_s8(const tfg_strided_copy_params *p, const int8_t *in, int8_t *out);
/** Gather with constant indices, on bytes of any element type: for each of `outer` blocks of `axis_rows` rows of
 *  `row_bytes` bytes, the rows indices[0..count) in turn.
 *  @param outer, count, row_bytes ≥ 1  @param indices each in [0, axis_rows).  Not in place. Scratch: none. Always
 *  TFG_OK. Bit-exact with copyGather in src/reference/strided-view.ts. */
tfg_status tfg_gather_x8(int32_t outer, int32_t axis_rows, int32_t row_bytes, int32_t count, const int32_t *indices,
                         const void *in, void *out);
/** Reflect (reflect = 1) or edge (reflect = 0) Pad on elements of elem_bytes bytes: every output element reads the
 *  input element mirrored (reflect, edge not repeated) or clamped (edge) into range on each axis.
 *  @param p as tfg_pad_params; reflect pads < in_dims[d], edge needs in_dims[d] ≥ 1.  Not in place. Scratch: none.
 *  Always TFG_OK. Bit-exact with copyMirrorPad in src/reference/strided-view.ts. */
tfg_status tfg_pad_mirror_x8(const tfg_pad_params *p, int32_t reflect, int32_t elem_bytes, const void *in, void *out);
/** Byte copy for a Reshape the planner could not alias.
 *  @param bytes ≥ 0.  in == out is allowed (no-op); other overlaps are not. Scratch: none. Always TFG_OK. Matches
 *  reshape in src/reference/float/reshape.ts (data unchanged). */
tfg_status tfg_copy_x8(int32_t bytes, const void *in, void *out);

/* ---- resize (NHWC over H and W; the coordinate tables come from src/reference/resize-tables.ts) ---- */
/** Resize geometry: batch images of in_h × in_w pixels to out_h × out_w, `channels` values per pixel. */
typedef struct {
  int32_t batch, in_h, in_w, out_h, out_w, channels;
} tfg_resize_geom;
/** Nearest Resize on bytes of any element type: output pixel (i, j) is input pixel (rows[i], cols[j]), elem_bytes ·
 *  channels bytes each.
 *  @param rows out_h entries in [0, in_h)  @param cols out_w entries in [0, in_w).  Not in place. Scratch: none.
 *  Always TFG_OK. Bit-exact with resizeNearest in src/reference/float/resize.ts (float and int8). */
tfg_status tfg_resize_nearest_x8(const tfg_resize_geom *g, int32_t elem_bytes, const int32_t *rows, const int32_t *cols,
                                 const void *in, void *out);
/** Float bilinear Resize: rows / cols hold (lo, hi) per output row / column, row_w / col_w their weights (w_lo, w_hi);
 *  y = (x[lo,lo]·wx_lo + x[lo,hi]·wx_hi)·wy_lo + (x[hi,lo]·wx_lo + x[hi,hi]·wx_hi)·wy_hi in float32 steps.
 *  @param rows, cols indices inside the input.  Not in place. Scratch: none. Always TFG_OK. Matches the float
 *  reference in src/reference/float/resize.ts within float rounding. */
tfg_status tfg_resize_bilinear_f32(const tfg_resize_geom *g, const int32_t *rows, const int32_t *cols,
                                   const float *row_w, const float *col_w, const float *in, float *out);
/** int8 bilinear Resize as TFLM's RESIZE_BILINEAR integer kernel (input and output share quantization): rows / cols
 *  hold (lo, hi, frac) per output row / column, frac the 10-bit way from lo to hi; acc = Σ q · weights (int32),
 *  y = (acc ± 2^19) / 2^20 rounded half away from zero.
 *  @param rows, cols indices inside the input, |frac| ≤ 1536.  Not in place. Scratch: none. Always TFG_OK. Bit-exact
 *  with resizeInt8 in src/reference/int8/resize.ts. */
tfg_status tfg_resize_bilinear_s8(const tfg_resize_geom *g, const int32_t *rows, const int32_t *cols, const int8_t *in,
                                  int8_t *out);

/* ---- normalization ---- */
/** Float BatchNormalization over the last axis: y = (x − mean[c]) / sqrtf(var[c] + epsilon) · scale[c] + bias[c].
 *  @param outer, channels ≥ 1  @param epsilon > 0
 *  @param scale, bias, mean, var [channels].  In place allowed. Scratch: none. Always TFG_OK. Within float tolerance of
 *  batchNormalization in src/reference/float/batch-normalization.ts. */
tfg_status tfg_batchnorm_f32(int32_t outer, int32_t channels, float epsilon, const float *in, const float *scale,
                             const float *bias, const float *mean, const float *var, float *out);
/** Float LayerNormalization of each contiguous slice x[o·size … o·size + size − 1]: mean, var = mean((x − mean)²),
 *  y = (x − mean) · (1 / sqrtf(var + epsilon)) · scale[i] + bias[i].
 *  @param outer, size ≥ 1  @param epsilon ≥ 0  @param scale [size]  @param bias [size] or NULL.
 *  in and out must not overlap. Scratch: none. Always TFG_OK. Within float tolerance of layerNormalization in
 *  src/reference/float/layer-normalization.ts. */
tfg_status tfg_layernorm_f32(int32_t outer, int32_t size, float epsilon, const float *in, const float *scale,
                             const float *bias, float *out);
/** Float InstanceNormalization of [batch, spatial, channels]: per sample n and channel c, the mean and var over the
 *  spatial positions, y = (x − mean) · (1 / sqrtf(var + epsilon)) · scale[c] + bias[c].
 *  @param batch, spatial, channels ≥ 1  @param epsilon ≥ 0  @param scale, bias [channels].
 *  in and out must not overlap. Scratch: none. Always TFG_OK. Within float tolerance of instanceNormalization in
 *  src/reference/float/instance-normalization.ts. */
tfg_status tfg_instancenorm_f32(int32_t batch, int32_t spatial, int32_t channels, float epsilon, const float *in,
                                const float *scale, const float *bias, float *out);

/* ---- quantization ---- */
/** f32 → int8: q = clamp(roundf(x / scale) + zero_point, −128, 127), computed in float32.
 *  @param n ≥ 1  @param scale > 0
 *  @param zero_point ∈ [−128, 127].  In place allowed (out may start at in). Scratch: none. Always TFG_OK. Bit-exact
 *  with quantizeValue in src/reference/quant.ts. */
tfg_status tfg_quantize_s8(int32_t n, float scale, int32_t zero_point, const float *in, int8_t *out);
/** int8 → int8 requantize (TFLite Requantize), clamped to int8; p from prepareRequantize (p->identity: a plain copy).
 *  @param n ≥ 1.  In place allowed. Scratch: none. Always TFG_OK. Bit-exact with requantizeValue in
 *  src/reference/int8/quantize.ts. */
tfg_status tfg_requantize_s8(int32_t n, const tfg_requant_params *p, const int8_t *in, int8_t *out);
/** int8 → f32: x = scale·(q − zero_point) rounded once to float.
 *  @param n ≥ 1  @param scale > 0
 *  @param zero_point ∈ [−128, 127].  Not in place. Scratch: none. Always TFG_OK. Bit-exact with dequantizeValue in
 *  src/reference/quant.ts. */
tfg_status tfg_dequantize_s8(int32_t n, float scale, int32_t zero_point, const int8_t *in, float *out);

/* ==== packed weight storage (int4, fp16, 1-bit, clustered + Huffman); kernels under firmware/kernels/packed/.
 * The weights' logical values equal the IR tensor's data, so results match the dense kernels on those values:
 * int8 paths bit for bit, float paths up to accumulation order. Packing: src/packing/ (C declarations: src/codegen/packing/weight-decl.ts). ==== */

/** Largest conv weight row (k_h·k_w·in_c/groups) tfg_conv2d_{f32,s8}_huff decode into their scratch (bytes). */
#define TFG_HUFF_ROW_MAX 1152

/** int8 Dense with 4-bit weights, two per byte (flat [out_n, in_n] index j: the low nibble of byte j/2 when j is even),
 *  values in [−8, 7]; otherwise as tfg_dense_s8 (q, bias).  Scratch: none. Always TFG_OK. Bit-exact with denseInt8 in
 *  src/reference/int8/dense.ts on those values. */
tfg_status tfg_dense_s4(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_channel_quant *q, const int8_t *in,
                        const uint8_t *w, const int32_t *bias, int8_t *out);
/** int8 Dense with 4-bit weights on Cortex-M DSP cores: as tfg_dense_s8_dsp (q, folded_bias padded to a multiple of 4),
 *  the weights stored as w + 8 in the layout of interleaveDenseNibbles (src/codegen/ops/dsp-weights.ts): per four
 *  rows and group of four inputs two words (rows 0–1, rows 2–3; byte k: input k of the first row in the low nibble,
 *  of the second in the high one), then per left-over input two bytes, padded to a word; the out_n % 4 last rows after
 *  the quads, each ⌈in_n/2⌉ bytes (input i in the low nibble of byte i/2 when i is even).  Scratch: none. Always TFG_OK.
 *  Bit-exact with tfg_dense_s4 (denseInt8 in src/reference/int8/dense.ts). */
tfg_status tfg_dense_s4_dsp(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_dsp_quant *q, const int8_t *in,
                            const uint8_t *w4, const int32_t *folded_bias, int8_t *out);
/** int8 Conv2D with 4-bit OHWI weights packed as tfg_dense_s4's; otherwise as tfg_conv2d_s8.  Scratch: none. Always
 *  TFG_OK. Bit-exact with conv2dInt8 in src/reference/int8/conv2d.ts on those values. */
tfg_status tfg_conv2d_s4(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in, const uint8_t *w,
                         const int32_t *bias, int8_t *out);
/** int8 Conv2D with 4-bit weights on Cortex-M DSP cores: as tfg_conv2d_s8_im2col_dsp (geometry, q, bias never NULL),
 *  the weights stored as w + 8 in the layout of packConvNibbles (src/codegen/ops/dsp-weights.ts): per output channel
 *  ⌈G/2⌉ words for its G = ⌈K/4⌉ groups of 4 (K = k_h·k_w·in_c, bytes in tfg_conv2d_s8_im2col_dsp's order), group 2i
 *  in the low nibbles of word i and 2i + 1 in the high ones.
 *  @param scratch_bytes ≥ tfg_conv2d_s4_im2col_dsp_scratch_bytes(g), else TFG_ERR_ARG (nothing touched). Bit-exact with
 *  tfg_conv2d_s4 (conv2dInt8 in src/reference/int8/conv2d.ts). */
tfg_status tfg_conv2d_s4_im2col_dsp(const tfg_conv_geom16 *geom, const tfg_s8_dsp_quant *quant, int32_t input_offset,
                                    const int8_t *in, const uint8_t *w, const int32_t *bias, int8_t *out, void *scratch,
                                    int32_t scratch_bytes);
/** Scratch of tfg_conv2d_s4_im2col_dsp: that of tfg_conv2d_s8_im2col_dsp for the same geometry. */
int32_t tfg_conv2d_s4_im2col_dsp_scratch_bytes(const tfg_conv_geom16 *g);
/** Float Dense with IEEE-half weights [out_n, in_n] (little-endian uint16) converted exactly to float; otherwise as
 *  tfg_dense_f32.  Scratch: none. Always TFG_OK. Matches dense in src/reference/float/dense.ts on the half values. */
tfg_status tfg_dense_f32_f16(int32_t batch, int32_t in_n, int32_t out_n, const float *in, const uint16_t *w,
                             const float *bias, float act_min, float act_max, float *out);
/** Float Conv2D with IEEE-half OHWI weights converted exactly to float; otherwise as tfg_conv2d_f32.  Scratch: none.
 *  Always TFG_OK. Matches conv2d in src/reference/float/conv2d.ts on the half values. */
tfg_status tfg_conv2d_f32_f16(const tfg_conv_geom *g, const float *in, const uint16_t *w, const float *bias,
                              float act_min, float act_max, float *out);
/** Float Dense with 1-bit weights: bit j of the flat [out_n, in_n] weights = word j/32, bit j%32; 1 → +alpha[o], 0 →
 *  −alpha[o]; otherwise as tfg_dense_f32.  Scratch: none. Always TFG_OK. Matches dense in src/reference/float/dense.ts
 *  on the ±alpha values up to float accumulation order. */
tfg_status tfg_dense_f32_b1(int32_t batch, int32_t in_n, int32_t out_n, const float *in, const uint32_t *bits,
                            const float *alpha, const float *bias, float act_min, float act_max, float *out);
/** int8 Dense with 1-bit weights (bits as tfg_dense_f32_b1's): w[o,i] = ±magnitude[o] ∈ [1, 127]; otherwise as
 *  tfg_dense_s8.  Scratch: none. Always TFG_OK. Bit-exact with denseInt8 in src/reference/int8/dense.ts on those
 *  values. */
tfg_status tfg_dense_s8_b1(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_channel_quant *q, const int8_t *in,
                           const uint32_t *bits, const int32_t *magnitude, const int32_t *bias, int8_t *out);
/** Float Conv2D with 1-bit OHWI weights (bits flat as tfg_dense_f32_b1's, ±alpha[o]); otherwise as tfg_conv2d_f32.
 *  Scratch: none. Always TFG_OK. Matches conv2d in src/reference/float/conv2d.ts up to float accumulation order. */
tfg_status tfg_conv2d_f32_b1(const tfg_conv_geom *g, const float *in, const uint32_t *bits, const float *alpha,
                             const float *bias, float act_min, float act_max, float *out);
/** int8 Conv2D with 1-bit OHWI weights (±magnitude[o]); otherwise as tfg_conv2d_s8.  Scratch: none. Always TFG_OK.
 *  Bit-exact with conv2dInt8 in src/reference/int8/conv2d.ts on those values. */
tfg_status tfg_conv2d_s8_b1(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in,
                            const uint32_t *bits, const int32_t *magnitude, const int32_t *bias, int8_t *out);
/** Largest row of the XNOR kernels in 32-bit words of signs (64 words = 2048 inputs): codegen keeps their scratch to
 *  one (dense) or two (conv) such rows. */
#define TFG_XNOR_WORDS_MAX 64
/** Float Dense on binarized inputs (sign(x), x ≥ 0 → +1) with 1-bit weights: row o = ⌈in_n/32⌉ words (rows
 *  word-aligned, padding bits 0), out = clamp(float(alpha[o]·(in_n − 2·popcount(w XOR signs))) + bias[o]).
 *  @param in_n ≤ 32·TFG_XNOR_WORDS_MAX, else TFG_ERR_CORRUPT (codegen checks)  @param bias [out_n] or NULL
 *  @param scratch 4-byte aligned
 *  @param scratch_bytes ≥ tfg_dense_f32_xnor_scratch_bytes(in_n), else TFG_ERR_ARG. Bit-exact with dense in
 *  src/reference/float/dense.ts (binarizeInput). */
tfg_status tfg_dense_f32_xnor(int32_t batch, int32_t in_n, int32_t out_n, const float *in, const uint32_t *bits,
                              const float *alpha, const float *bias, float act_min, float act_max, float *out,
                              void *scratch, int32_t scratch_bytes);
/** Scratch of tfg_dense_f32_xnor: the input's sign words, 4·⌈in_n/32⌉ bytes. Same figure as xnorScratchBytes in
 *  src/packing/storage.ts. */
int32_t tfg_dense_f32_xnor_scratch_bytes(int32_t in_n);
/** Float Conv2D (groups = 1) on binarized inputs with 1-bit OHWI weights, rows of k_h·k_w·in_c bits word-aligned;
 *  padded taps contribute 0 (masked).
 *  @param g a receptive field of ≤ TFG_XNOR_WORDS_MAX words and groups = 1, else TFG_ERR_CORRUPT (codegen checks)
 *  @param scratch 4-byte aligned
 *  @param scratch_bytes ≥ tfg_conv2d_f32_xnor_scratch_bytes(g), else TFG_ERR_ARG.  Bit-exact with conv2d in
 *  src/reference/float/conv2d.ts (binarizeInput). */
tfg_status tfg_conv2d_f32_xnor(const tfg_conv_geom *g, const float *in, const uint32_t *bits, const float *alpha,
                               const float *bias, float act_min, float act_max, float *out, void *scratch,
                               int32_t scratch_bytes);
/** Scratch of tfg_conv2d_f32_xnor: the receptive field's sign and in-bounds mask words, 8·⌈k_h·k_w·in_c / 32⌉ bytes.
 *  Same figure as xnorScratchBytes in src/packing/storage.ts. */
int32_t tfg_conv2d_f32_xnor_scratch_bytes(const tfg_conv_geom *g);

/** Widest lookup table a decoder builds (2^8 uint16 entries in its scratch). */
#define TFG_HUFF_TABLE_BITS_MAX 8

/** Flags of a tfg_huff_stream. */
#define TFG_HUFF_HALF_CODEBOOK 1u /* codebook entries are IEEE half (else float), little-endian */
#define TFG_HUFF_HALF_BIAS 2u     /* the layer's biases, one IEEE half per output channel, follow the codebook */
#define TFG_HUFF_INT8_CODEBOOK 4u /* codebook entries are int8 weight values, one byte each (the _s8_huff kernels) */
#define TFG_HUFF_ONE_SCALE                                                                                             \
  8u /* int8: the weights share one scale, so multiplier[0] / shift[0] requantize every channel */
/** The high nibble of the flags: width of an int8 Dense stream's pair table (tfg_huff_build_pairs: one lookup on that
 *  many bits gives a whole kept weight, its gap and index codes at once), 1..TFG_HUFF_PAIR_BITS_MAX; 0 for other kernels. */
#define TFG_HUFF_PAIR_SHIFT 4u
/** Widest pair table (2^10 uint32 entries, 4 KB of the decoder's scratch). */
#define TFG_HUFF_PAIR_BITS_MAX 10

/** One layer's clustered weights as one flash array (see src/packing/huffman-stream.ts), `data` =
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
/** 1 when stream s's bytes are the ones codegen wrote: its CRC-32 over all of `data` matches. It guards against a
 *  damaged flash image (a bad or partial programming, a wrong image, a bit flipped in storage), and runs once, not per
 *  inference: the generated model checks every stream in <id>_init and before its first <id>_run, and refuses to run
 *  on a damaged one (TFG_ERR_CORRUPT); calling <id>_init again checks them again. The kernels do not repeat it; on a
 *  damaged stream they still never read or write out of bounds, and catch most damage themselves (bad codes, positions
 *  past the layer, a bit count that does not match). */
int32_t tfg_huff_verify(const tfg_huff_stream *s);
/** Float Dense decoding the weights' Huffman stream while it computes (no row buffer): codebook values (float or half),
 *  pruned weights 0.
 *  @param s the stream (tfg_huff_stream, float or half codebook)
 *  @param bias [out_n] float, or NULL; used when the stream holds none
 *  @param scratch 4-byte aligned, for the codebook as floats and the codes' decode form
 *  @param scratch_bytes ≥ tfg_dense_f32_huff_scratch_bytes(s), else TFG_ERR_ARG.  Returns TFG_ERR_CORRUPT on a wrong
 *  length, bad code lengths, a bad code or a read past `bits` (never past `bytes`). Matches dense in
 *  src/reference/float/dense.ts on the codebook values up to float accumulation order. */
tfg_status tfg_dense_f32_huff(int32_t batch, int32_t in_n, int32_t out_n, const float *in, const tfg_huff_stream *s,
                              const float *bias, float act_min, float act_max, float *out, void *scratch,
                              int32_t scratch_bytes);
/** Scratch of tfg_dense_f32_huff for stream s: 4 bytes a codebook entry, both codes' lookup tables (2^table_bits uint16
 *  each; one entry for a dense stream's absent gap code) and their symbols. Same figure as huffScratchBytes in
 *  src/packing/huffman-stream.ts. */
int32_t tfg_dense_f32_huff_scratch_bytes(const tfg_huff_stream *s);
/** Float Conv2D decoding one output channel's weights at a time into a row of the scratch (k_h·k_w·in_c/groups ≤
 *  TFG_HUFF_ROW_MAX, else TFG_ERR_CORRUPT; codegen checks), then tfg_conv2d_f32's arithmetic.  Other parameters and
 *  errors as tfg_dense_f32_huff
 *  @param scratch_bytes ≥ tfg_conv2d_f32_huff_scratch_bytes(g, s), else TFG_ERR_ARG. Matches conv2d in
 *  src/reference/float/conv2d.ts on the codebook values up to float accumulation order. */
tfg_status tfg_conv2d_f32_huff(const tfg_conv_geom *g, const float *in, const tfg_huff_stream *s, const float *bias,
                               float act_min, float act_max, float *out, void *scratch, int32_t scratch_bytes);
/** Scratch of tfg_conv2d_f32_huff: tfg_dense_f32_huff_scratch_bytes(s) + the decoded row (k_h·k_w·in_c/groups bytes).
 *  Same figure as huffScratchBytes in src/packing/huffman-stream.ts. */
int32_t tfg_conv2d_f32_huff_scratch_bytes(const tfg_conv_geom *g, const tfg_huff_stream *s);
/** int8 Dense whose weights are int8 codes in a Huffman stream (TFG_HUFF_INT8_CODEBOOK: the codebook holds the int8
 *  values, read in place, as TFLM's LUT compression does), decoded while computing, a kept weight (gap and index codes)
 *  per pair-table lookup (the stream's pair width, 1..TFG_HUFF_PAIR_BITS_MAX, else TFG_ERR_CORRUPT); pruned weights
 *  add 0.
 *  @param q as tfg_dense_s8's; with TFG_HUFF_ONE_SCALE q->multiplier / q->shift hold one entry for all channels
 *  @param scratch 4-byte aligned, for the codes' decode form and the offset inputs
 *  @param scratch_bytes ≥ tfg_dense_s8_huff_scratch_bytes(s, in_n), else TFG_ERR_ARG.  Errors as tfg_dense_f32_huff, and a
 *  stream without int8 codes is TFG_ERR_CORRUPT. Bit-exact with denseInt8 in src/reference/int8/dense.ts on the
 *  codebook values. */
tfg_status tfg_dense_s8_huff(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_channel_quant *q,
                             const int8_t *in, const tfg_huff_stream *s, const int32_t *bias, int8_t *out,
                             void *scratch, int32_t scratch_bytes);
/** Scratch of tfg_dense_s8_huff for stream s and in_n inputs: both codes' lookup tables and symbols and the pair table
 *  (no codebook copy), then the input row with the input offset added (in_n int16, read by the decode loop without an
 *  add). Same figure as huffScratchBytes in src/packing/huffman-stream.ts. */
int32_t tfg_dense_s8_huff_scratch_bytes(const tfg_huff_stream *s, int32_t in_n);
/** int8 Conv2D on an int8 Huffman stream: one output channel's weights at a time decoded into a row of the scratch (0
 *  for pruned weights; rows ≤ TFG_HUFF_ROW_MAX, else TFG_ERR_CORRUPT), then tfg_conv2d_s8's arithmetic.  q as
 *  tfg_dense_s8_huff's
 *  @param scratch_bytes ≥ tfg_conv2d_s8_huff_scratch_bytes(g, s), else TFG_ERR_ARG.  Errors as tfg_dense_s8_huff.
 *  Bit-exact with conv2dInt8 in src/reference/int8/conv2d.ts on the codebook values. */
tfg_status tfg_conv2d_s8_huff(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in,
                              const tfg_huff_stream *s, const int32_t *bias, int8_t *out, void *scratch,
                              int32_t scratch_bytes);
/** Scratch of tfg_conv2d_s8_huff: both codes' lookup tables and symbols + the decoded row (k_h·k_w·in_c/groups bytes).
 *  Same figure as huffScratchBytes in src/packing/huffman-stream.ts. */
int32_t tfg_conv2d_s8_huff_scratch_bytes(const tfg_conv_geom *g, const tfg_huff_stream *s);
/** Shape of a GRU/LSTM layer (ONNX layout 0): x [steps, batch, in_n]; out [steps, batch, hidden] when sequence_output,
 *  else [1, batch, hidden] (the last computed step). reverse: steps run from the last to the first. */
typedef struct {
  int32_t steps, batch, in_n, hidden, reverse, sequence_output;
} tfg_rnn_geom;
/** Float GRU (ONNX GRU, sigmoid/tanh): z = σ(W_z·x + R_z·h + b), r likewise, candidate tanh(W_h·x + R_h·(r⊙h) + b)
 *  (linear_before_reset: r⊙(R_h·h + Rb_h)), h = (1 − z)⊙candidate + z⊙h.
 *  @param w [3·hidden, in_n], r [3·hidden, hidden], gates z, r, h; bias [6·hidden] (Wb then Rb) or NULL
 *  @param initial_h [batch, hidden] or NULL (zeros)
 *  @param scratch_bytes ≥ tfg_gru_f32_scratch_bytes(g) (the state and one step's gates), else TFG_ERR_ARG.
 *  Matches gru in src/reference/float/recurrent.ts up to float accumulation order. */
tfg_status tfg_gru_f32(const tfg_rnn_geom *g, int32_t linear_before_reset, const float *x, const float *w,
                       const float *r, const float *bias, const float *initial_h, float *out, void *scratch,
                       int32_t scratch_bytes);
/** Scratch of tfg_gru_f32: 5·hidden floats. Same figure as recurrentScratch in src/codegen/ops/recurrent.ts. */
int32_t tfg_gru_f32_scratch_bytes(const tfg_rnn_geom *g);
/** Float LSTM (ONNX LSTM, no peepholes, sigmoid/tanh/tanh): gates i, o, f, c from W·x + R·h + Wb + Rb,
 *  c = f⊙c + i⊙tanh(gate c), h = o⊙tanh(c).
 *  @param w [4·hidden, in_n], r [4·hidden, hidden]; bias [8·hidden] or NULL; initial_h, initial_c [batch, hidden] or NULL
 *  @param scratch_bytes ≥ tfg_lstm_f32_scratch_bytes(g), else TFG_ERR_ARG.
 *  Matches lstm in src/reference/float/recurrent.ts up to float accumulation order. */
tfg_status tfg_lstm_f32(const tfg_rnn_geom *g, const float *x, const float *w, const float *r, const float *bias,
                        const float *initial_h, const float *initial_c, float *out, void *scratch,
                        int32_t scratch_bytes);
/** Scratch of tfg_lstm_f32: 6·hidden floats. Same figure as recurrentScratch in src/codegen/ops/recurrent.ts. */
int32_t tfg_lstm_f32_scratch_bytes(const tfg_rnn_geom *g);
/** The streaming form of tfg_gru_f32: runs g->steps steps (usually one frame) from state [batch, hidden], which it
 *  updates in place and the caller keeps between calls (the model's persistent state, outside the arena). reverse must
 *  be 0 (else TFG_ERR_ARG). Same arithmetic as tfg_gru_f32: resetting the state to initial_h (or zeros) and calling
 *  once per step gives tfg_gru_f32's output bit for bit.
 *  @param scratch_bytes ≥ tfg_gru_f32_step_scratch_bytes(g) (one step's gates), else TFG_ERR_ARG. */
tfg_status tfg_gru_f32_step(const tfg_rnn_geom *g, int32_t linear_before_reset, const float *x, const float *w,
                            const float *r, const float *bias, float *state, float *out, void *scratch,
                            int32_t scratch_bytes);
/** Scratch of tfg_gru_f32_step: 4·hidden floats. Same figure as recurrentStepScratch in src/codegen/ops/recurrent-step.ts. */
int32_t tfg_gru_f32_step_scratch_bytes(const tfg_rnn_geom *g);
/** The streaming form of tfg_lstm_f32: state is h [batch, hidden] then c [batch, hidden], updated in place; as
 *  tfg_gru_f32_step otherwise (bit for bit tfg_lstm_f32's output over the same frames).
 *  @param scratch_bytes ≥ tfg_lstm_f32_step_scratch_bytes(g), else TFG_ERR_ARG. */
tfg_status tfg_lstm_f32_step(const tfg_rnn_geom *g, const float *x, const float *w, const float *r, const float *bias,
                             float *state, float *out, void *scratch, int32_t scratch_bytes);
/** Scratch of tfg_lstm_f32_step: 4·hidden floats. Same figure as recurrentStepScratch in src/codegen/ops/recurrent-step.ts. */
int32_t tfg_lstm_f32_step_scratch_bytes(const tfg_rnn_geom *g);

/** The compile-time constants of an int8 GRU / LSTM (prepareRecurrentInt8 in src/reference/int8/recurrent.ts).
 *  x_offset = −zp_x; h_offset = −zp_h, h_zero_point = zp_h: the output's quantization, also the int8 hidden vector's.
 *  w_multiplier/w_shift, r_multiplier/r_shift [gates·hidden]: input- and recurrent-to-gate rescaling to int16 Q3.12.
 *  out_*: GRU int16 state → int8, LSTM o·tanh(c) (Q0.30) → int8; rh_*: GRU (linear_before_reset 0) r·h16 → int8.
 *  state_int_bits: integer bits of the GRU's int16 state. h0_*, c0_*: initial_h (to the GRU's state or the LSTM's int8
 *  h) and initial_c (to the LSTM's Q4.11 cell) from their own quantization. sigmoid_table, tanh_table: 257 int16
 *  entries each (input Q3.12 at k·256 − 32768, output Q0.15). */
typedef struct {
  int32_t x_offset, h_offset, h_zero_point;
  const int32_t *w_multiplier, *w_shift, *r_multiplier, *r_shift;
  int32_t out_multiplier, out_shift, rh_multiplier, rh_shift, state_int_bits;
  int32_t h0_offset, h0_multiplier, h0_shift, c0_offset, c0_multiplier, c0_shift;
  const int16_t *sigmoid_table, *tanh_table;
} tfg_rnn_s8_params;
/** int8 GRU with an int16 hidden state (gruInt8 in src/reference/int8/recurrent.ts, byte for byte): gates from int8
 *  W·x and R·h8 rescaled to Q3.12, int16 sigmoid/tanh tables, h16 = ((1 − z)·candidate + z·h16), its int8 copy h8 fed
 *  back and written out.  Arguments as tfg_gru_f32's, int8 x/w/r/initial_h/out and int32 bias ([6·hidden]: Wb at
 *  s_x·s_W, Rb at s_h·s_R, or NULL).
 *  @param scratch_bytes ≥ tfg_gru_s8_scratch_bytes(g) (the state h16, h8 first, then one step's gate parts), else
 *  TFG_ERR_ARG. */
tfg_status tfg_gru_s8(const tfg_rnn_geom *g, int32_t linear_before_reset, const tfg_rnn_s8_params *p, const int8_t *x,
                      const int8_t *w, const int8_t *r, const int32_t *bias, const int8_t *initial_h, int8_t *out,
                      void *scratch, int32_t scratch_bytes);
/** Scratch of tfg_gru_s8: 2·hidden + hidden rounded up to even (the state) + 13·hidden bytes. Same figure as
 *  recurrentScratch in src/codegen/ops/recurrent.ts. */
int32_t tfg_gru_s8_scratch_bytes(const tfg_rnn_geom *g);
/** int8 LSTM with an int16 Q4.11 cell (lstmInt8 in src/reference/int8/recurrent.ts, TFLM's 8x8→16 scheme, byte for
 *  byte). Arguments as tfg_lstm_f32's, int8 x/w/r/initial_h/initial_c/out and int32 bias ([8·hidden] or NULL).
 *  @param scratch_bytes ≥ tfg_lstm_s8_scratch_bytes(g) (the state c16, h8 and one step's gates), else TFG_ERR_ARG. */
tfg_status tfg_lstm_s8(const tfg_rnn_geom *g, const tfg_rnn_s8_params *p, const int8_t *x, const int8_t *w,
                       const int8_t *r, const int32_t *bias, const int8_t *initial_h, const int8_t *initial_c,
                       int8_t *out, void *scratch, int32_t scratch_bytes);
/** Scratch of tfg_lstm_s8: 2·hidden + hidden rounded up to even (the state) + 16·hidden bytes. Same figure as
 *  recurrentScratch in src/codegen/ops/recurrent.ts. */
int32_t tfg_lstm_s8_scratch_bytes(const tfg_rnn_geom *g);
/** tfg_gru_s8 with Cortex-M DSP SMLAD dot products (two gate rows per pass); bit-exact with it. Scratch as tfg_gru_s8. */
tfg_status tfg_gru_s8_dsp(const tfg_rnn_geom *g, int32_t linear_before_reset, const tfg_rnn_s8_params *p,
                          const int8_t *x, const int8_t *w, const int8_t *r, const int32_t *bias,
                          const int8_t *initial_h, int8_t *out, void *scratch, int32_t scratch_bytes);
/** Scratch of tfg_gru_s8_dsp: as tfg_gru_s8_scratch_bytes. */
int32_t tfg_gru_s8_dsp_scratch_bytes(const tfg_rnn_geom *g);
/** tfg_lstm_s8 with Cortex-M DSP SMLAD dot products (two gate rows per pass); bit-exact with it. Scratch as tfg_lstm_s8. */
tfg_status tfg_lstm_s8_dsp(const tfg_rnn_geom *g, const tfg_rnn_s8_params *p, const int8_t *x, const int8_t *w,
                           const int8_t *r, const int32_t *bias, const int8_t *initial_h, const int8_t *initial_c,
                           int8_t *out, void *scratch, int32_t scratch_bytes);
/** Scratch of tfg_lstm_s8_dsp: as tfg_lstm_s8_scratch_bytes. */
int32_t tfg_lstm_s8_dsp_scratch_bytes(const tfg_rnn_geom *g);

#endif /* TFG_KERNELS_H */

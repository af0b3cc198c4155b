/* The request loop: hello, run, stack, profile, debug, calibrate; every bad frame gets an ERROR reply.
 * Latency is the timer delta around tfg_model_run minus the cost of reading the timer, measured at start.
 * The stack region's lowest words are a guard: an inference after which they changed gets an ERROR
 * (TFG_ERR_STACK_OVERFLOW) instead of its result, since it may have written over static data. */
#include "tfg_runtime.h"
#include "tfg_port.h"
#include "tfg_stack.h"

typedef struct {
  const tfg_model_desc *model;
  const tfg_serve_buffers *buf;
  const char *board_id;
  uint32_t timer_overhead; /* ticks between two back-to-back timer reads */
  uintptr_t stack_bottom;  /* the region's lowest address: the guard words */
  uintptr_t paint_bottom;  /* above the guard */
  uintptr_t stack_top;
  uintptr_t paint_limit;     /* end of the painted range */
  uint32_t stack_high_water; /* bytes from the top, highest seen so far */
  uint32_t last_run_stack;   /* bytes the last inference used below the caller's stack pointer */
  int32_t overflowed;        /* the stack reached the guard (latched) */
} serve_state;

typedef struct {
  uint32_t *layer_ticks;
  uint32_t num_layers;
  uint32_t overhead;
  uint64_t last;
  uint8_t seq;
} hook_ctx;

static uint32_t measure_timer_overhead(void) {
  uint32_t best = 0xFFFFFFFFu;
  for (int32_t i = 0; i < 16; i++) {
    tfg_port_timer_align();
    uint64_t a = tfg_port_ticks();
    uint64_t b = tfg_port_ticks();
    uint32_t d = (uint32_t)(b - a);
    if (d < best) best = d;
  }
  return best;
}

static uint64_t minus_overhead(uint64_t ticks, uint32_t overhead) { return ticks > overhead ? ticks - overhead : 0u; }

static void send_error(uint8_t seq, uint8_t code, uint8_t request_type, uint32_t detail) {
  tfg_tx tx;
  tfg_tx_begin(&tx, TFG_MSG_ERROR, seq, 8u);
  const uint8_t head[4] = {code, request_type, 0u, 0u};
  tfg_tx_bytes(&tx, head, 4u);
  tfg_tx_u32(&tx, detail);
  tfg_tx_end(&tx);
}

/* Folds what was used since the last paint into the high-water mark, then paints the free stack again. */
static void fold_high_water(serve_state *s, uintptr_t low) {
  if (!s->overflowed && !tfg_stack_guard_intact(s->stack_bottom)) s->overflowed = 1;
  if (s->overflowed) low = s->stack_bottom;
  if ((uint32_t)(s->stack_top - low) > s->stack_high_water) s->stack_high_water = (uint32_t)(s->stack_top - low);
}

static void repaint_stack(serve_state *s) {
  fold_high_water(s, tfg_stack_lowest_touched(s->paint_bottom, s->paint_limit));
  s->paint_limit = tfg_stack_paint_free(s->paint_bottom);
}

/* sp: the stack pointer where the model was called; the model's use is how far below it the paint was touched. */
static void note_run_stack(serve_state *s, uintptr_t sp) {
  uintptr_t low = tfg_stack_lowest_touched(s->paint_bottom, s->paint_limit);
  s->last_run_stack = low < sp ? (uint32_t)(sp - low) : 0u;
  fold_high_water(s, low);
}

static void profile_hook(void *ctx, int32_t layer, const void *output, uint32_t output_bytes) {
  hook_ctx *h = (hook_ctx *)ctx;
  uint64_t now = tfg_port_ticks();
  (void)output;
  (void)output_bytes;
  if (layer >= 0 && (uint32_t)layer < h->num_layers) {
    h->layer_ticks[layer] = (uint32_t)minus_overhead(now - h->last, h->overhead);
  }
  h->last = tfg_port_ticks(); /* exclude the hook's own bookkeeping from the next layer */
}

/* LAYER_OUTPUT body: layer u32 | bytes u32 | the layer's output tensor as stored in the arena. */
static void debug_hook(void *ctx, int32_t layer, const void *output, uint32_t output_bytes) {
  hook_ctx *h = (hook_ctx *)ctx;
  tfg_tx tx;
  tfg_tx_begin(&tx, TFG_MSG_LAYER_OUTPUT, h->seq, 8u + output_bytes);
  tfg_tx_u32(&tx, (uint32_t)layer);
  tfg_tx_u32(&tx, output_bytes);
  tfg_tx_bytes(&tx, output, output_bytes);
  tfg_tx_end(&tx);
}

/* HELLO body: host protocol version u8. HELLO_REPLY body: version u8 | timer kind u8 | 0 u16 | model hash u32 |
 * arena u32 | input bytes u32 | output bytes u32 | layers u32 | timer overhead ticks u32 | stack bytes u32 |
 * receive capacity u32 | board id length u8 | board id. */
static void on_hello(serve_state *s, const tfg_frame *f) {
  if (f->body_bytes < 1u || f->body[0] != TFG_PROTOCOL_VERSION) {
    send_error(f->seq, TFG_ERR_BAD_VERSION, f->type, TFG_PROTOCOL_VERSION);
    return;
  }
  uint32_t id_len = 0;
  while (s->board_id[id_len] != '\0' && id_len < 255u) id_len++;
  const tfg_model_desc *m = s->model;
  tfg_tx tx;
  tfg_tx_begin(&tx, TFG_MSG_HELLO_REPLY, f->seq, 36u + 1u + id_len);
  const uint8_t head[4] = {(uint8_t)TFG_PROTOCOL_VERSION, (uint8_t)tfg_port_timer_kind(), 0u, 0u};
  tfg_tx_bytes(&tx, head, 4u);
  tfg_tx_u32(&tx, m->hash);
  tfg_tx_u32(&tx, m->arena_bytes);
  tfg_tx_u32(&tx, m->input_bytes);
  tfg_tx_u32(&tx, m->output_bytes);
  tfg_tx_u32(&tx, m->num_layers);
  tfg_tx_u32(&tx, s->timer_overhead);
  tfg_tx_u32(&tx, (uint32_t)(s->stack_top - s->stack_bottom));
  tfg_tx_u32(&tx, s->buf->rx_capacity);
  const uint8_t len8 = (uint8_t)id_len;
  tfg_tx_bytes(&tx, &len8, 1u);
  tfg_tx_bytes(&tx, s->board_id, id_len);
  tfg_tx_end(&tx);
}

/* RUN / DEBUG body: the input tensor. RESULT body: status i32 | ticks lo u32 | ticks hi u32 | output tensor.
 * PROFILE_REPLY body: status i32 | ticks lo | ticks hi | layers u32 | ticks per layer u32 × layers | output. */
static void on_run(serve_state *s, const tfg_frame *f) {
  const tfg_model_desc *m = s->model;
  if (f->body_bytes != m->input_bytes) {
    send_error(f->seq, TFG_ERR_BAD_LENGTH, f->type, m->input_bytes);
    return;
  }
  hook_ctx h;
  h.layer_ticks = s->buf->layer_ticks;
  h.num_layers = m->num_layers;
  h.overhead = s->timer_overhead;
  h.seq = f->seq;
  for (uint32_t i = 0; i < m->num_layers; i++) h.layer_ticks[i] = 0u;
  tfg_runtime_layer_hook hook = 0;
  if (f->type == TFG_MSG_PROFILE) hook = profile_hook;
  if (f->type == TFG_MSG_DEBUG) hook = debug_hook;

  repaint_stack(s);
  uintptr_t sp = tfg_port_stack_pointer();
  tfg_port_timer_align();
  uint64_t t0 = tfg_port_ticks();
  h.last = t0;
  int32_t status = m->run(f->body, s->buf->output, hook, &h);
  uint64_t t1 = tfg_port_ticks();
  note_run_stack(s, sp);
  if (s->overflowed) {
    send_error(f->seq, TFG_ERR_STACK_OVERFLOW, f->type, (uint32_t)(s->stack_top - s->stack_bottom));
    return;
  }
  uint64_t ticks = minus_overhead(t1 - t0, s->timer_overhead);

  tfg_tx tx;
  int32_t profiling = f->type == TFG_MSG_PROFILE;
  uint32_t extra = profiling ? 4u + 4u * m->num_layers : 0u;
  tfg_tx_begin(&tx, profiling ? TFG_MSG_PROFILE_REPLY : TFG_MSG_RESULT, f->seq, 12u + extra + m->output_bytes);
  tfg_tx_u32(&tx, (uint32_t)status);
  tfg_tx_u32(&tx, (uint32_t)ticks);
  tfg_tx_u32(&tx, (uint32_t)(ticks >> 32));
  if (profiling) {
    tfg_tx_u32(&tx, m->num_layers);
    for (uint32_t i = 0; i < m->num_layers; i++) tfg_tx_u32(&tx, h.layer_ticks[i]);
  }
  tfg_tx_bytes(&tx, s->buf->output, m->output_bytes);
  tfg_tx_end(&tx);
}

/* STACK_REPLY body: stack bytes u32 | high-water since boot u32 | last inference's own use u32 |
 * guard u32 (0: intact; 1: the stack reached the bottom of its region, high-water = stack bytes). */
static void on_stack(serve_state *s, const tfg_frame *f) {
  repaint_stack(s);
  tfg_tx tx;
  tfg_tx_begin(&tx, TFG_MSG_STACK_REPLY, f->seq, 16u);
  tfg_tx_u32(&tx, (uint32_t)(s->stack_top - s->stack_bottom));
  tfg_tx_u32(&tx, s->stack_high_water);
  tfg_tx_u32(&tx, s->last_run_stack);
  tfg_tx_u32(&tx, s->overflowed ? 1u : 0u);
  tfg_tx_end(&tx);
}

/* CALIBRATE body: iterations u32. Reply: iterations u32 | ticks lo | ticks hi (overhead subtracted). */
static void on_calibrate(serve_state *s, const tfg_frame *f) {
  if (f->body_bytes != 4u) {
    send_error(f->seq, TFG_ERR_BAD_LENGTH, f->type, 4u);
    return;
  }
  uint32_t n = tfg_read_u32(f->body);
  tfg_port_timer_align();
  uint64_t t0 = tfg_port_ticks();
  tfg_port_calibration_loop(n);
  uint64_t t1 = tfg_port_ticks();
  uint64_t ticks = minus_overhead(t1 - t0, s->timer_overhead);
  tfg_tx tx;
  tfg_tx_begin(&tx, TFG_MSG_CALIBRATE_REPLY, f->seq, 12u);
  tfg_tx_u32(&tx, n);
  tfg_tx_u32(&tx, (uint32_t)ticks);
  tfg_tx_u32(&tx, (uint32_t)(ticks >> 32));
  tfg_tx_end(&tx);
}

void tfg_serve(const tfg_model_desc *model, const tfg_serve_buffers *buffers, const char *board_id) {
  serve_state s;
  s.model = model;
  s.buf = buffers;
  s.board_id = board_id;
  s.timer_overhead = measure_timer_overhead();
  tfg_port_stack_bounds(&s.stack_bottom, &s.stack_top);
  s.paint_bottom = s.stack_bottom + TFG_STACK_GUARD_BYTES;
  s.stack_high_water = 0u;
  s.last_run_stack = 0u;
  /* Frames up to here may already reach below the region (a serial main whose buffers do not fit): then the
     * guard would land inside them, so it is not written and the stack counts as overflowed from the start. */
  s.overflowed = tfg_port_stack_pointer() < s.paint_bottom + TFG_STACK_PAINT_MARGIN;
  if (!s.overflowed) tfg_stack_guard_set(s.stack_bottom);
  /* first paint: nothing to scan yet (RAM below us holds whatever reset left there) */
  s.paint_limit = tfg_stack_paint_free(s.paint_bottom);
  s.stack_high_water =
      s.overflowed ? (uint32_t)(s.stack_top - s.stack_bottom) : (uint32_t)(s.stack_top - s.paint_limit);

  for (;;) {
    tfg_frame f;
    enum tfg_rx_status rx = tfg_link_receive((uint8_t *)buffers->rx, buffers->rx_capacity, &f);
    switch (rx) {
    case TFG_RX_OK:
      break;
    case TFG_RX_EMPTY:
      continue;
    case TFG_RX_TOO_LONG:
      send_error(f.seq, TFG_ERR_TOO_LONG, f.type, buffers->rx_capacity);
      continue;
    case TFG_RX_BAD_COBS:
      send_error(f.seq, TFG_ERR_BAD_COBS, f.type, 0u);
      continue;
    case TFG_RX_BAD_CRC:
      send_error(f.seq, TFG_ERR_BAD_CRC, f.type, 0u);
      continue;
    case TFG_RX_BAD_LENGTH:
      send_error(f.seq, TFG_ERR_BAD_LENGTH, f.type, f.body_bytes);
      continue;
    default:
      continue;
    }
    switch (f.type) {
    case TFG_MSG_HELLO:
      on_hello(&s, &f);
      break;
    case TFG_MSG_RUN:
    case TFG_MSG_PROFILE:
    case TFG_MSG_DEBUG:
      on_run(&s, &f);
      break;
    case TFG_MSG_STACK:
      on_stack(&s, &f);
      break;
    case TFG_MSG_CALIBRATE:
      on_calibrate(&s, &f);
      break;
    default:
      send_error(f.seq, TFG_ERR_UNKNOWN_TYPE, f.type, 0u);
      break;
    }
  }
}

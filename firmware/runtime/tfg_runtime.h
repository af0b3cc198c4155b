/* The device side of the serial protocol: the serial main hands the model and its buffers to tfg_serve().
 * Message layouts are documented at each handler in tfg_serve.c and mirrored by src/device/protocol.ts. */
#ifndef TFG_RUNTIME_H
#define TFG_RUNTIME_H

#include <stdint.h>
#include "tfg_link.h"

#define TFG_PROTOCOL_VERSION 1u

enum tfg_msg_type {
  TFG_MSG_HELLO = 0x01,
  TFG_MSG_RUN = 0x02,
  TFG_MSG_STACK = 0x03,
  TFG_MSG_PROFILE = 0x04,
  TFG_MSG_DEBUG = 0x05,
  TFG_MSG_CALIBRATE = 0x06,
  TFG_MSG_HELLO_REPLY = 0x81,
  TFG_MSG_RESULT = 0x82,
  TFG_MSG_STACK_REPLY = 0x83,
  TFG_MSG_PROFILE_REPLY = 0x84,
  TFG_MSG_LAYER_OUTPUT = 0x85,
  TFG_MSG_CALIBRATE_REPLY = 0x86,
  TFG_MSG_ERROR = 0xFF
};

enum tfg_error_code {
  TFG_ERR_BAD_CRC = 1,
  TFG_ERR_BAD_LENGTH = 2,
  TFG_ERR_TOO_LONG = 3,
  TFG_ERR_BAD_COBS = 4,
  TFG_ERR_UNKNOWN_TYPE = 5,
  TFG_ERR_BAD_VERSION = 6,
  TFG_ERR_MODEL_FAILED = 7,
  TFG_ERR_STACK_OVERFLOW = 8 /* detail: the stack region's bytes */
};

/* Same signature as model.h's tfg_layer_hook (named apart so both headers can be included). */
typedef void (*tfg_runtime_layer_hook)(void *ctx, int32_t layer, const void *output, uint32_t output_bytes);

typedef struct {
  uint32_t hash;
  uint32_t input_bytes;
  uint32_t output_bytes;
  uint32_t arena_bytes;
  uint32_t num_layers;
  int32_t (*run)(const void *input, void *output, tfg_runtime_layer_hook hook, void *ctx);
} tfg_model_desc;

/* Buffers live in the serial main's stack frame (no mutable statics); sizes come from model.h. */
typedef struct {
  uint32_t *rx;          /* TFG_FRAME_CAPACITY(input bytes) bytes, word aligned so the input is */
  uint32_t rx_capacity;  /* in bytes */
  uint32_t *output;      /* output_bytes, word aligned */
  uint32_t *layer_ticks; /* num_layers entries (at least 1) */
} tfg_serve_buffers;

/* Answers host requests forever. */
void tfg_serve(const tfg_model_desc *model, const tfg_serve_buffers *buffers, const char *board_id);

#endif

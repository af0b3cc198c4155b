/* Port layer over ESP-IDF (>= 5.0) for esp32, esp32s3 and esp32c3: the link on UART0 through the ESP-IDF UART driver,
 * time from esp_cpu_get_cycle_count() (CCOUNT on Xtensa, the machine performance counter on the C3), the serving
 * loop in a FreeRTOS task pinned to one core (the cycle counter is per core) on a stack we own, so that
 * tfg_port_stack_bounds is exact. Built by ESP-IDF only (the generated project's tinyforge_model component); it is
 * not compiled on CI machines without ESP-IDF. Settings come from the component's Kconfig (CONFIG_TFG_*). */
#include <stdint.h>
#include "driver/uart.h"
#include "esp_cpu.h"
#include "esp_rom_sys.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "sdkconfig.h"
#include "tfg_port.h"

#define TFG_UART UART_NUM_0
#define TFG_UART_RX_BUFFER 4096
#define TFG_STACK_BYTES CONFIG_TFG_STACK_BYTES

/* The port's own state, as on the host port: the task's stack and control block, and the 64-bit widening of the
 * 32-bit cycle counter. Only the serving task touches it after tfg_port_start. */
static StackType_t tfg_stack[TFG_STACK_BYTES / sizeof(StackType_t)];
static StaticTask_t tfg_task;
static struct {
  void (*entry)(void *ctx);
  void *ctx;
  uint32_t last_cycles;
  int64_t last_us;
  uint64_t total;
} tfg_state;

void tfg_port_init(void) {
  const uart_config_t config = {
      .baud_rate = CONFIG_TFG_LINK_BAUD,
      .data_bits = UART_DATA_8_BITS,
      .parity = UART_PARITY_DISABLE,
      .stop_bits = UART_STOP_BITS_1,
      .flow_ctrl = UART_HW_FLOWCTRL_DISABLE,
      .source_clk = UART_SCLK_DEFAULT,
  };
  ESP_ERROR_CHECK(uart_driver_install(TFG_UART, TFG_UART_RX_BUFFER, 0, 0, NULL, 0));
  ESP_ERROR_CHECK(uart_param_config(TFG_UART, &config));
  tfg_state.last_cycles = esp_cpu_get_cycle_count();
  tfg_state.last_us = esp_timer_get_time();
}

static void tfg_task_main(void *arg) {
  (void)arg;
  tfg_state.entry(tfg_state.ctx);
  vTaskDelete(NULL);
}

/* Pinned to the last core: core 0 keeps ESP-IDF's own tasks, and CCOUNT is per core. Priority above idle only:
 * the task watchdog is off (sdkconfig.defaults) because an inference never yields. */
void tfg_port_start(void (*entry)(void *ctx), void *ctx) {
  tfg_state.entry = entry;
  tfg_state.ctx = ctx;
  xTaskCreateStaticPinnedToCore(tfg_task_main, "tinyforge", sizeof tfg_stack / sizeof tfg_stack[0], NULL,
                                tskIDLE_PRIORITY + 1, tfg_stack, &tfg_task, portNUM_PROCESSORS - 1);
  for (;;) vTaskDelay(portMAX_DELAY);
}

void tfg_port_putc(uint8_t byte) { uart_write_bytes(TFG_UART, (const char *)&byte, 1); }

uint8_t tfg_port_getc(void) {
  uint8_t byte = 0;
  while (uart_read_bytes(TFG_UART, &byte, 1, portMAX_DELAY) != 1) {}
  return byte;
}

/* The cycle counter is 32 bits (17.9 s at 240 MHz). The microsecond timer says how many wraps passed since the last
 * read, so an inference longer than one wrap is still counted right. */
uint64_t tfg_port_ticks(void) {
  const uint32_t cycles = esp_cpu_get_cycle_count();
  const int64_t us = esp_timer_get_time();
  const uint32_t delta = cycles - tfg_state.last_cycles;
  const uint64_t expected = (uint64_t)(us - tfg_state.last_us) * esp_rom_get_cpu_ticks_per_us();
  uint64_t wraps = 0;
  if (expected > delta) wraps = (expected - delta + (1ull << 31)) >> 32;
  tfg_state.total += (wraps << 32) + delta;
  tfg_state.last_cycles = cycles;
  tfg_state.last_us = us;
  return tfg_state.total;
}

/* The cycle counter counts single cycles: there is no tick phase to wait for. */
void tfg_port_timer_align(void) {}
enum tfg_timer_kind tfg_port_timer_kind(void) { return TFG_TIMER_CYCLES; }

void tfg_port_stack_bounds(uintptr_t *bottom, uintptr_t *top) {
  *bottom = (uintptr_t)tfg_stack;
  *top = (uintptr_t)tfg_stack + sizeof tfg_stack;
}

uintptr_t tfg_port_stack_pointer(void) { return (uintptr_t)__builtin_frame_address(0); }

/* Two instructions per iteration on Xtensa and RISC-V alike (same mnemonics); they take more than 2 cycles. */
void tfg_port_calibration_loop(uint32_t iterations) {
  if (iterations == 0u) return;
  __asm__ volatile("1: addi %0, %0, -1\n"
                   "   bnez %0, 1b\n"
                   : "+r"(iterations)
                   :
                   : "memory");
}

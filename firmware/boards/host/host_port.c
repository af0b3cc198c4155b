/* Port layer for the host board: the firmware is a Linux process that opens a pseudo-terminal and prints
 * "TFG_PTY <path>" on stdout, so the host side talks to it through serialport exactly as to QEMU's -serial pty.
 * It exits when stdin reaches EOF (the parent died or closed the pipe), so it never outlives tinyforge. */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "tfg_port.h"

#define HOST_STACK_BYTES (1024u * 1024u)
#define HOST_IO_BYTES 4096u

/* Process-wide port state (the host stand-in for UART registers): pty fds, the I/O buffers, the run stack. */
static struct {
  int master;
  int slave;
  uint8_t in[HOST_IO_BYTES];
  uint32_t in_len, in_pos;
  uint8_t out[HOST_IO_BYTES];
  uint32_t out_len;
  uint8_t *stack;
} host;

static void die(const char *what) {
  fprintf(stderr, "tfg host port: %s: errno %d\n", what, errno);
  exit(3);
}

void tfg_port_init(void) {
  host.master = posix_openpt(O_RDWR | O_NOCTTY);
  if (host.master < 0 || grantpt(host.master) != 0 || unlockpt(host.master) != 0) die("posix_openpt");
  const char *name = ptsname(host.master);
  if (name == NULL) die("ptsname");
  /* Keep our own slave fd open (raw, no echo): the master then never sees a hangup while the host
     * side opens and closes the port, and bytes written early wait in the pty buffer. */
  host.slave = open(name, O_RDWR | O_NOCTTY);
  if (host.slave < 0) die("open slave");
  struct termios t;
  if (tcgetattr(host.slave, &t) != 0) die("tcgetattr");
  cfmakeraw(&t);
  if (tcsetattr(host.slave, TCSANOW, &t) != 0) die("tcsetattr");
  printf("TFG_PTY %s\n", name);
  fflush(stdout);
}

static void *thread_entry(void *arg) {
  void **pair = (void **)arg;
  void (*entry)(void *) = (void (*)(void *))(uintptr_t)pair[0];
  entry(pair[1]);
  return NULL;
}

/* Runs the serve loop on a stack we own, so the runtime can paint it and find the high-water mark. */
void tfg_port_start(void (*entry)(void *ctx), void *ctx) {
  host.stack = mmap(NULL, HOST_STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (host.stack == MAP_FAILED) die("mmap stack");
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  if (pthread_attr_setstack(&attr, host.stack, HOST_STACK_BYTES) != 0) die("pthread_attr_setstack");
  void *pair[2] = {(void *)(uintptr_t)entry, ctx};
  pthread_t th;
  if (pthread_create(&th, &attr, thread_entry, pair) != 0) die("pthread_create");
  pthread_join(th, NULL);
  exit(0);
}

static void flush_out(void) {
  uint32_t done = 0;
  while (done < host.out_len) {
    ssize_t n = write(host.master, host.out + done, host.out_len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) die("write pty");
    done += (uint32_t)n;
  }
  host.out_len = 0;
}

/* Buffered: one write per frame (the 0x00 delimiter ends every frame) instead of one syscall per byte. */
void tfg_port_putc(uint8_t byte) {
  host.out[host.out_len++] = byte;
  if (byte == 0u || host.out_len == HOST_IO_BYTES) flush_out();
}

uint8_t tfg_port_getc(void) {
  while (host.in_pos == host.in_len) {
    struct pollfd p[2] = {{host.master, POLLIN, 0}, {0, POLLIN, 0}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      die("poll");
    }
    if (p[1].revents != 0) {
      char c;
      if (read(0, &c, 1) <= 0) exit(0); /* parent gone: stop */
    }
    if ((p[0].revents & POLLIN) != 0) {
      ssize_t n = read(host.master, host.in, HOST_IO_BYTES);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) die("read pty");
      host.in_len = (uint32_t)n;
      host.in_pos = 0;
    }
  }
  return host.in[host.in_pos++];
}

uint64_t tfg_port_ticks(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void tfg_port_timer_align(void) {}
enum tfg_timer_kind tfg_port_timer_kind(void) { return TFG_TIMER_NANOSECONDS; }

void tfg_port_stack_bounds(uintptr_t *bottom, uintptr_t *top) {
  *bottom = (uintptr_t)host.stack;
  *top = (uintptr_t)host.stack + HOST_STACK_BYTES;
}

uintptr_t tfg_port_stack_pointer(void) { return (uintptr_t)__builtin_frame_address(0); }

void tfg_port_calibration_loop(uint32_t iterations) {
  for (volatile uint32_t i = 0; i < iterations; i++) {}
}

/* The few <string.h> functions the runtime and kernels use, for the libc-less RISC-V builds (Debian's
 * gcc-riscv64-unknown-elf ships no C library). Found first because firmware/boards/sifive is on the include path;
 * implemented in tfg_libc.c. GCC may also emit calls to memcpy/memset for struct copies and loops. */
#ifndef TFG_SIFIVE_STRING_H
#define TFG_SIFIVE_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int value, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif

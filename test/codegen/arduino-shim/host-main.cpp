// Host stand-in for an Arduino core: Serial writes to stdout, and main() calls the sketch's setup() once.
#include <stdio.h>
#include "Arduino.h"

ShimSerial Serial;

void ShimSerial::begin(unsigned long) {}
size_t ShimSerial::print(const char *text) { return (size_t)printf("%s", text); }
size_t ShimSerial::print(long value) { return (size_t)printf("%ld", value); }
size_t ShimSerial::println(const char *text) { return (size_t)printf("%s\n", text); }
size_t ShimSerial::println(long value) { return (size_t)printf("%ld\n", value); }

void setup();

int main() {
  setup();
  return 0;
}

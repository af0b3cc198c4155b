// The part of Arduino's core API the generated example sketch uses (Serial.begin/print/println and the bool test),
// so the sketch compiles with arm-none-eabi-g++ and runs on the host without an Arduino core.
#ifndef TFG_TEST_ARDUINO_SHIM_H
#define TFG_TEST_ARDUINO_SHIM_H
#include <stddef.h>
#include <stdint.h>

class ShimSerial {
 public:
  void begin(unsigned long baud);
  explicit operator bool() const { return true; }
  size_t print(const char *text);
  size_t print(long value);
  size_t print(int value) { return print(static_cast<long>(value)); }
  size_t println(const char *text);
  size_t println(long value);
  size_t println(int value) { return println(static_cast<long>(value)); }
};

extern ShimSerial Serial;

#endif

// Command opcodes and error codes of the ESP serial bootloader protocol (esptool docs: serial-protocol; stub_flasher.h).

export const OP = {
  FLASH_BEGIN: 0x02,
  FLASH_DATA: 0x03,
  FLASH_END: 0x04,
  MEM_BEGIN: 0x05,
  MEM_END: 0x06,
  MEM_DATA: 0x07,
  SYNC: 0x08,
  WRITE_REG: 0x09,
  READ_REG: 0x0a,
  SPI_SET_PARAMS: 0x0b,
  SPI_ATTACH: 0x0d,
  CHANGE_BAUDRATE: 0x0f,
  FLASH_DEFL_BEGIN: 0x10,
  FLASH_DEFL_DATA: 0x11,
  FLASH_DEFL_END: 0x12,
  SPI_FLASH_MD5: 0x13,
  ERASE_FLASH: 0xd0,
  ERASE_REGION: 0xd1,
} as const;

/** ROM loader error codes (esptool serial-protocol docs) and stub error codes (stub_flasher.h). */
export const ROM_INVALID_MSG = 0x05,
  ROM_FAILED = 0x06,
  ROM_BAD_CRC = 0x07;
export const STUB_BAD_LEN = 0xc0,
  STUB_BAD_CHECKSUM = 0xc1,
  STUB_NOT_IN_FLASH_MODE = 0xc6,
  STUB_INFLATE_ERROR = 0xc7;
export const STUB_TOO_MUCH_DATA = 0xc9,
  STUB_NOT_IMPLEMENTED = 0xff;

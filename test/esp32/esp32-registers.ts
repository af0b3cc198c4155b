// The ESP32 registers esptool reads and writes over READ_REG/WRITE_REG: chip-detect magic, eFuse words (package,
// revision, MAC), UART clock divider, and the SPI0 user-command registers esptool uses to read the flash JEDEC ID.

export const CHIP_DETECT_MAGIC_REG = 0x40001000;
export const ESP32_MAGIC = 0x00f01d83;
const EFUSE_RD_BASE = 0x3ff5a000;
const APB_CTRL_DATE_REG = 0x3ff6607c;
const UART_CLKDIV_REG = 0x3ff40014;
const SPI_BASE = 0x3ff42000;
const SPI_CMD_REG = SPI_BASE + 0x00;
const SPI_USR2_REG = SPI_BASE + 0x24;
const SPI_W0_REG = SPI_BASE + 0x80;
const SPI_CMD_USR = 1 << 18;
const SPIFLASH_RDID = 0x9f;

export interface Esp32Identity {
  /** Six bytes, e.g. 24:0a:c4:12:34:56. */
  mac: number[];
  /** JEDEC ID as the SPI peripheral's W0 register holds it: manufacturer in the low byte, size code in bits 16..23. */
  flashJedecId: number;
  xtalHz: number;
}

export const DEFAULT_IDENTITY: Esp32Identity = {
  mac: [0x24, 0x0a, 0xc4, 0x12, 0x34, 0x56],
  flashJedecId: 0x1640ef, // Winbond W25Q32: EF 40 16 (4 MB)
  xtalHz: 40_000_000,
};

export class Esp32Registers {
  private readonly regs = new Map<number, number>();
  /** SPI user commands executed, e.g. [0x9f] after a flash-ID read. */
  readonly spiCommands: number[] = [];

  constructor(private readonly id: Esp32Identity = DEFAULT_IDENTITY) {
    const [m0, m1, m2, m3, m4, m5] = id.mac;
    this.regs.set(CHIP_DETECT_MAGIC_REG, ESP32_MAGIC);
    // eFuse BLK0: word1/word2 hold the factory MAC; word3 = package D0WD (bits 9..11 = 1), rev bit 15, 240 MHz rated
    // (bit 13); word5 bit 20 and APB date bit 31 complete revision 3: an ESP32-D0WD-V3 as on current DevKitC boards.
    this.regs.set(EFUSE_RD_BASE + 4 * 1, ((m2 << 24) | (m3 << 16) | (m4 << 8) | m5) >>> 0);
    this.regs.set(EFUSE_RD_BASE + 4 * 2, (m0 << 8) | m1);
    this.regs.set(EFUSE_RD_BASE + 4 * 3, 0x0000a200);
    this.regs.set(EFUSE_RD_BASE + 4 * 5, 0x00100000);
    this.regs.set(APB_CTRL_DATE_REG, 0x96042000);
    // The ROM's baud detection leaves CLKDIV = APB clock / baud (the APB runs from the crystal in the ROM).
    this.regs.set(UART_CLKDIV_REG, Math.round(id.xtalHz / 115200));
  }

  read(addr: number): number {
    return this.regs.get(addr >>> 0) ?? 0;
  }

  write(addr: number, value: number, mask = 0xffffffff): void {
    const a = addr >>> 0;
    const next = ((this.read(a) & ~mask) | (value & mask)) >>> 0;
    this.regs.set(a, next);
    if (a === SPI_CMD_REG && next & SPI_CMD_USR) this.runSpiUserCommand();
  }

  /** The SPI0 peripheral runs the command in USR2's low bits and clears the USR bit when done. */
  private runSpiUserCommand(): void {
    const command = this.read(SPI_USR2_REG) & 0xffff;
    this.spiCommands.push(command);
    this.regs.set(SPI_W0_REG, command === SPIFLASH_RDID ? this.id.flashJedecId : 0);
    this.regs.set(SPI_CMD_REG, this.read(SPI_CMD_REG) & ~SPI_CMD_USR);
  }
}

#!/usr/bin/env bash
# Installs everything tinyforge needs on Debian 12: cross compilers, QEMU, cmake (library-mode tests), ONNX conformance
# data, redis-server (sweep queues; the tests start their own), chromium (the report tests open report.html in it) and
# clang-format (npm test checks the firmware C is formatted), then npm packages.
set -euo pipefail
cd "$(dirname "$0")"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
PKGS="gcc make cmake clang-format gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm qemu-system-misc gcc-riscv64-unknown-elf libonnx-testdata socat redis-server chromium"
missing=""
for p in $PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "setup: installing Debian packages:$missing" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
npm ci --no-audit --no-fund

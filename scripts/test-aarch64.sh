#!/usr/bin/env bash
# Cross-builds the tensor library and its tests for AArch64 (NEON kernels) and runs them under
# qemu-aarch64. Installs the cross compiler and qemu from Debian's archive when missing.
# Usage: scripts/test-aarch64.sh [BUILD_DIR]   (default build/aarch64)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/aarch64}"

source scripts/apt-packages.sh
missing=()
apt_missing missing g++-aarch64-linux-gnu qemu-user libgtest-dev cmake ninja-build
if [ ${#missing[@]} -gt 0 ]; then apt_install test-aarch64 "${missing[@]}"; fi

# Twice: the ARMv8.0 baseline (widening multiplies) and ARMv8.2 with the dot-product
# instructions (SDOT), the two integer paths of kernels_neon.cc. qemu emulates both.
for variant in armv8-a armv8.2-a+dotprod; do
  dir="$build/$variant"
  cmake -S cmake/kernels-only -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/aarch64-linux-gnu.cmake" \
    -DCMAKE_CXX_FLAGS="-march=$variant" >/dev/null
  ninja -C "$dir" -j"$(nproc)" ptmo_test_tensor
  echo "test-aarch64: tensor tests under qemu-aarch64, -march=$variant (NEON kernel set)"
  qemu-aarch64 -L /usr/aarch64-linux-gnu "$dir/ptmo_test_tensor" --gtest_brief=1
done

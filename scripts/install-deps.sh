#!/usr/bin/env bash
# Installs every build and test dependency of Privacy-TMO on Debian 12 (bookworm).
# Idempotent: when everything is already present it prints nothing and exits 0.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  clang clang-format clang-tidy libclang-rt-14-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  libre2-dev libphonenumber-dev libicu-dev libssl-dev libsqlite3-dev sqlite3
  libcli11-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libtomlplusplus-dev
  libeigen3-dev libprotobuf-dev libboost-dev
  libcpp-httplib-dev
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-objdetect-dev opencv-data
  libtesseract-dev libleptonica-dev tesseract-ocr-eng tesseract-ocr-kor libexiv2-dev libzbar-dev libdlib-dev
  fonts-dejavu-core fonts-nanum libstb-dev curl
)

source "$(dirname "$0")/apt-packages.sh"
missing=()
apt_missing missing "${PACKAGES[@]}"

# The openai npm client tests need Node.js and npm; machines that already have them (from any
# source) keep theirs.
if ! command -v npm >/dev/null 2>&1; then missing+=(nodejs npm); fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
apt_install install-deps "${missing[@]}"
echo "install-deps: done"

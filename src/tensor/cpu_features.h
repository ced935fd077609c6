// Which SIMD instruction sets the running CPU offers, detected once at first use.
//
// The library is compiled for the baseline ISA; AVX2 kernels are compiled per function with
// __attribute__((target(...))) and chosen at run time from these flags, so one binary runs on
// any x86-64 (and builds on other architectures, where every flag is false).
#pragma once

namespace ptmo::tensor {

struct CpuFeatures {
  bool avx2 = false;
  bool fma = false;
  bool f16c = false;
  bool avx512vnni = false;
  bool avx512vl = false;
  bool avx512bw = false;

  // The AVX2 kernel set needs all three.
  bool HasAvx2Set() const { return avx2 && fma && f16c; }
  // The VNNI tiles use vpdpbusd on 256-bit registers (EVEX: VNNI + VL, BW for byte ops).
  bool HasAvx512VnniSet() const { return avx512vnni && avx512vl && avx512bw; }
};

// The host CPU's features. Detected on the first call (which includes the operating system's
// support for saving AVX registers); thread-safe.
const CpuFeatures& HostCpuFeatures();

}  // namespace ptmo::tensor

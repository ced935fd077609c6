#include "tensor/cpu_features.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace ptmo::tensor {
namespace {

CpuFeatures Detect() {
  CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
  // libgcc's detection checks XGETBV, so "avx2" is only reported when the OS saves YMM state.
  __builtin_cpu_init();
  f.avx2 = __builtin_cpu_supports("avx2");
  f.fma = __builtin_cpu_supports("fma");
  // libgcc reports AVX-512 features only when the OS saves ZMM and opmask state.
  f.avx512vnni = __builtin_cpu_supports("avx512vnni");
  f.avx512vl = __builtin_cpu_supports("avx512vl");
  f.avx512bw = __builtin_cpu_supports("avx512bw");
  // clang 14 does not know "f16c" in __builtin_cpu_supports; read CPUID.1:ECX bit 29 instead.
  // F16C uses YMM registers too, so it counts only where AVX state is saved (implied by avx2).
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx)) f.f16c = f.avx2 && (ecx & (1u << 29)) != 0;
#endif
  return f;
}

}  // namespace

const CpuFeatures& HostCpuFeatures() {
  static const CpuFeatures kFeatures = Detect();
  return kFeatures;
}

}  // namespace ptmo::tensor

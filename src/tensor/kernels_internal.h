// Kernel tables, one per implementation file. Use the public accessors in kernels.h instead.
#pragma once

#include "tensor/kernels.h"

namespace ptmo::tensor::internal {

const Kernels& ScalarKernelTable();

// nullptr when this build's architecture has no AVX2 (the CPU check is in kernels.cc).
const Kernels* Avx2KernelTable();

}  // namespace ptmo::tensor::internal

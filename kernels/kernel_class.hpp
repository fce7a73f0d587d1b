#pragma once
// The kind of inner loop a phase runs: what an engine's efficiency is stated for, and what
// calibration fits per core type (an engine reaches a different fraction of peak in its GEMM
// micro-kernel than in a Winograd batch of small GEMMs, a depthwise loop or a pooling loop).
#include <array>
#include <string>

#include "hwmodels/param.hpp"

namespace tilesim {

enum class KernelClass {
  gemm,         // GEMM micro-kernels: im2col and 1x1 convolutions, fully connected layers
  winograd,     // the batched GEMMs of a Winograd convolution (transforms are elementwise)
  depthwise,    // direct depthwise (and grouped direct) convolution loops
  pooling,      // max and average pooling windows
  elementwise,  // elementwise operators, packing, im2col and Winograd transforms, reductions
  gemv,         // matrix-vector products (a fully connected layer over one row)
};
constexpr int kKernelClasses = 6;

inline const ChoiceTable<KernelClass>& kernel_class_names() {
  static const ChoiceTable<KernelClass> t{{"gemm", KernelClass::gemm},
                                          {"winograd", KernelClass::winograd},
                                          {"depthwise", KernelClass::depthwise},
                                          {"pooling", KernelClass::pooling},
                                          {"elementwise", KernelClass::elementwise},
                                          {"gemv", KernelClass::gemv}};
  return t;
}

}  // namespace tilesim

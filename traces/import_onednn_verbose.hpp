#pragma once
// Importer for oneDNN's verbose log (ONEDNN_VERBOSE=1, or DNNL_VERBOSE=1 with the `dnnl_verbose,`
// prefix of oneDNN 1.x-2.4): every `exec` line of a convolution, inner product or pooling
// primitive on the CPU, e.g. (oneDNN 2.6)
//   onednn_verbose,exec,cpu,convolution,brgconv:avx512_core,forward_inference,src_f32::blocked:acdb:f0
//   wei_f32::blocked:Acdb64a:f0 bia_f32::blocked:a:f0 dst_f32::blocked:acdb:f0,attr-post-ops:eltwise_relu
//   ,alg:convolution_direct,mb1_ic64oc64_ih56oh56kh3sh1dh0ph1_iw56ow56kw3sw1dw0pw1,1.31104
// Fields: marker, [timestamp], [primitive (3.x)], operation, engine, primitive kind,
// implementation, propagation, memory descriptors, attributes, auxiliary (alg:...), problem
// descriptor, time in ms.
//
// Problem descriptors:
//   convolution   [g<G>]mb<N>_[g<G>]ic<C>oc<K>_ih<H>oh<P>kh<R>sh<S>dh<D>ph<T>_iw...ow...kw...sw...dw...pw...
//                 (oneDNN 2.6 prints the group first, "g32mb1_ic32oc32_..."; "mb1_g32ic32oc32_..." is
//                 read as well; ic/oc are the total channels)
//   inner_product mb<N>ic<C>[ih<H>iw<W>]oc<K>
//   pooling       mb<N>ic<C>_ih<H>oh<P>kh<R>sh<S>[dh<D>]ph<T>_iw...
// become ONNX layers: Conv (group = G), Gemm (input N x C*H*W, output N x K), MaxPool or
// AveragePool (GlobalAveragePool / GlobalMaxPool when the window covers the whole unpadded input
// and the output is 1x1). oneDNN's dilation counts the holes (dh0 = ONNX dilation 1, dh1 = 2).
// It prints only the top/left padding (ph, pw); bottom/right are taken equal to them when that
// gives the printed output size (the symmetric case), else computed from the output size:
// (out - 1) * stride + (kernel - 1) * dilation + 1 - in - top.
//
// Repeated identical primitives (the same line but for the time: same kind, implementation,
// memory formats, attributes, algorithm and problem) are one layer with min / median / mean /
// max / count over their times, in order of first execution. name = "<kind>:<problem descriptor>"
// ("#2", "#3", ... added when the same problem ran as different primitives); implementation = the
// oneDNN implementation (e.g. brgconv:avx512_core, with "+winograd" for alg:convolution_winograd).
//
// Lines left out are counted by reason in the ImportReport (`report` may be null): info and
// create lines, reorders, other primitive kinds, backward passes, GPU engines, 1-D/3-D problems.
// Lines without a verbose marker (the program's own output) are ignored. The trace: device and
// soc "host", engine "onednn", engine_version from the "oneDNN v..." info line, threads from
// "nthr:" of the info lines (0 = unknown when absent), cores "all", precision the source
// data type when all layers share one of fp32, fp16 and int8, else "auto" (layers keep their own dtype,
// bf16 included).
// Malformed exec lines throw ConfigError naming the file and line; so does a log with no
// importable layer.
#include <string>

#include "traces/import_report.hpp"
#include "traces/trace.hpp"

namespace tilesim {

Trace import_onednn_verbose(const std::string& log_path, ImportReport* report = nullptr);

}  // namespace tilesim

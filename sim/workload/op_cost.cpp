#include "sim/workload/op_cost.hpp"

namespace tilesim {

int64_t pointwise_flops_per_element(OpType t, bool fused_into_producer) {
  switch (t) {
    case OpType::BatchNormalization: return fused_into_producer ? 0 : 2;  // scale and shift
    case OpType::LayerNormalization: return 8;  // mean, variance, normalise, scale and shift
    case OpType::Relu: case OpType::Abs: case OpType::Neg: return 1;
    case OpType::LeakyRelu: case OpType::Clip: return 2;
    case OpType::HardSigmoid: return 3;  // multiply-add, then clamp
    case OpType::HardSwish: return 4;    // hard-sigmoid and a multiply
    case OpType::Sigmoid: case OpType::Tanh: return 4;  // exp, add, divide (exp counted once)
    case OpType::Swish: return 5;        // sigmoid and a multiply
    case OpType::Mish: return 7;         // softplus, tanh and a multiply
    case OpType::Gelu: return 8;         // erf (or tanh) polynomial, multiply-adds
    case OpType::Exp: case OpType::Log: case OpType::Sqrt: case OpType::Reciprocal: case OpType::Erf: return 1;
    case OpType::Add: case OpType::Sub: case OpType::Mul: case OpType::Div: case OpType::Max: case OpType::Min:
      return 1;
    case OpType::Pow: return 3;          // log, multiply, exp
    case OpType::Softmax: return 5;      // max, subtract, exp, sum, divide
    case OpType::PriorBox: return 2;     // box centre and size per coordinate
    default: return 0;
  }
}

OpCost op_cost(const Network& net, OpId id) {
  const Operator& op = net.op(id);
  OpCost c;
  for (TensorId t : op.inputs) c.input_bytes += net.tensor(t).bytes();
  for (TensorId t : op.outputs) c.output_bytes += net.tensor(t).bytes();
  for (TensorId t : op.weights) {
    const Tensor& w = net.tensor(t);
    c.weight_bytes += w.bytes();
    if (w.learnable) c.params += w.elements();
  }
  if (op.inputs.empty()) return c;  // a layer fed by constants only (PriorBox of fixed sizes)
  const Shape& in = net.tensor(op.inputs[0]).shape;
  const int64_t out_elems = op.outputs.empty() ? 0 : net.tensor(op.outputs[0]).elements();
  const auto& a = op.attrs;
  switch (op.type) {
    case OpType::Conv:
      c.macs = out_elems * (in[1] / a.group) * a.kernel_shape[0] * a.kernel_shape[1];
      c.flops = 2 * c.macs;
      break;
    case OpType::ConvTranspose:  // every input pixel scatters a kernel into each output channel of its group
      c.macs = net.tensor(op.inputs[0]).elements() * (a.units / a.group) * a.kernel_shape[0] * a.kernel_shape[1];
      c.flops = 2 * c.macs;
      break;
    case OpType::Gemm:
      c.macs = out_elems * in[1];
      c.flops = 2 * c.macs;
      break;
    case OpType::MatMul:
      c.macs = out_elems * in.back();
      c.flops = 2 * c.macs;
      break;
    case OpType::MaxPool:
    case OpType::AveragePool:
      c.flops = out_elems * a.kernel_shape[0] * a.kernel_shape[1];
      break;
    case OpType::GlobalAveragePool:
      c.flops = net.tensor(op.inputs[0]).elements();
      break;
    case OpType::Resize:  // bilinear: four taps, weighted; nearest: a copy; bicubic: sixteen taps
      c.flops = out_elems * (a.resize_mode == ResizeMode::nearest ? 0 : a.resize_mode == ResizeMode::linear ? 8 : 32);
      break;
    case OpType::LRN:  // sum of squares over the window, then scale and power
      c.flops = out_elems * (2 * a.size + 4);
      break;
    case OpType::ReduceMean: case OpType::ReduceSum: case OpType::ReduceMax: case OpType::ReduceMin:
    case OpType::ReduceProd: case OpType::ReduceL1:
      c.flops = net.tensor(op.inputs[0]).elements();
      break;
    case OpType::ReduceL2: case OpType::ReduceSumSquare:
      c.flops = 2 * net.tensor(op.inputs[0]).elements();
      break;
    case OpType::ReduceLogSumExp:
      c.flops = 3 * net.tensor(op.inputs[0]).elements();
      break;
    case OpType::DetectionOutput: {  // decode every candidate box, then sort and suppress the kept ones
      int64_t in_elems = 0;
      for (TensorId t : op.inputs) in_elems += net.tensor(t).elements();
      c.flops = 4 * in_elems;
      break;
    }
    default:
      c.flops = out_elems * pointwise_flops_per_element(op.type, false);
  }
  const bool has_producer_kernel = op.type == OpType::Conv || op.type == OpType::ConvTranspose || op.type == OpType::Gemm;
  for (const FusedOp& f : op.fused)
    c.flops += out_elems * pointwise_flops_per_element(f.type, has_producer_kernel);
  return c;
}

NetworkTotals network_totals(const Network& net) {
  NetworkTotals t;
  for (size_t i = 0; i < net.op_count(); ++i) {
    const OpCost c = op_cost(net, static_cast<OpId>(i));
    t.macs += c.macs;
    t.flops += c.flops;
    t.params += c.params;
  }
  t.layers = static_cast<int64_t>(net.op_count());
  return t;
}

}  // namespace tilesim

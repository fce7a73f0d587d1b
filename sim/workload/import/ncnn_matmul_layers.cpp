// ncnn layers that multiply matrices: InnerProduct, Gemm and MultiHeadAttention (the last two
// become short chains named "<layer>/<part>" where no single tilesim operator fits).
#include "sim/workload/import/ncnn_importer.hpp"

#include <utility>

#include <fmt/format.h>

namespace tilesim::ncnn_import {

void Importer::inner_product() {
  need(1, 1);
  TensorId x = activation(0);
  const int64_t n = positive(geti(0, 0), "num_output");
  const int64_t size = geti(2, 0);
  if (size < 1 || size % n != 0) fail(fmt::format("weight_data_size {} is not a multiple of num_output {}", size, n));
  const int64_t k = size / n;
  const Shape xs = shape(x);
  std::optional<DataType> compute;
  if (geti(8, 0) != 0) compute = DataType::int8;
  Operator op = new_op(OpType::Gemm, cur_->name);
  op.attrs.units = n;
  op.compute_type = compute;
  TensorId in2 = x;
  if (dims(x) == 2 && xs.back() == k) {
    // ncnn: a 2-D blob whose rows hold num_input values is a batch of rows.
    finish_activation(linear(x, n, geti(1, 0) != 0, cur_->name, pre_activation_name(), compute));
    return;
  }
  if (xs.size() != 2) in2 = flatten(x, 1, cur_->name + "/flatten", cur_->bottoms[0] + "#flat");
  if (shape(in2).back() != k)
    fail(fmt::format("input [{}] holds {} values a sample, the weights expect {}", shape_to_string(xs, ','),
                     shape(in2).back(), k));
  op.inputs = {in2};
  op.weights.push_back(weight(cur_->name + ".weight", {n, k}));
  if (geti(1, 0)) op.weights.push_back(weight(cur_->name + ".bias", {n}));
  finish_activation(emit1(std::move(op), pre_activation_name()));
}

void Importer::gemm() {
  const bool ca = geti(4, 0) != 0, cb = geti(5, 0) != 0, cc = geti(6, 0) != 0;
  const bool ta = geti(2, 0) != 0, tb = geti(3, 0) != 0;
  if (cur_->tops.size() != 1) fail("expects 1 top");
  const size_t want = (ca ? 0 : 1) + (cb ? 0 : 1);
  if (cur_->bottoms.size() < want || cur_->bottoms.size() > want + 1)
    fail(fmt::format("expects {} bottom(s), has {}", want, cur_->bottoms.size()));
  const int64_t m_const = geti(7, 0), n_const = geti(8, 0), k_const = geti(9, 0);
  const std::string& name = cur_->name;
  if (ca && cb) fail("both A and B constant: nothing to compute");
  if (!ca && !cb) {
    TensorId a = activation(0), b = activation(1);
    if (ta) a = transpose_last2(a, name + "/transA", cur_->bottoms[0] + "#T");
    if (tb) b = transpose_last2(b, name + "/transB", cur_->bottoms[1] + "#T");
    Operator op = new_op(OpType::MatMul, name);
    op.inputs = {a, b};
    bind(top(), emit1(std::move(op), top()));
    return;
  }
  if (cb) {
    TensorId a = activation(0);
    if (ta) a = transpose_last2(a, name + "/transA", cur_->bottoms[0] + "#T");
    const int64_t k = shape(a).back();
    if (k_const > 0 && k_const != k) fail(fmt::format("constantK {} but A has {} columns", k_const, k));
    bind(top(), linear(a, positive(n_const, "constantN"), cc, name, top()));
    return;
  }
  // Constant A [M, K] times activation B: (B^T A^T)^T.
  TensorId b = activation(0);
  if (!tb) b = transpose_last2(b, name + "/transB", cur_->bottoms[0] + "#T");
  TensorId y = linear(b, positive(m_const, "constantM"), cc, name, top() + "#T");
  bind(top(), transpose_last2(y, name + "/transpose", top()));
}
TensorId Importer::transpose_last2(TensorId x, const std::string& name, const std::string& out) {
  const auto r = static_cast<int64_t>(shape(x).size());
  if (r < 2) fail("needs a 2-D operand");
  std::vector<int64_t> perm(static_cast<size_t>(r));
  for (int64_t i = 0; i < r; ++i) perm[static_cast<size_t>(i)] = i;
  std::swap(perm[static_cast<size_t>(r - 1)], perm[static_cast<size_t>(r - 2)]);
  return transpose(x, perm, name, out);
}

// q, k, v projections, per-head q k^T, softmax, attention times v, output projection.
void Importer::multi_head_attention() {
  if (cur_->tops.size() != 1 || cur_->bottoms.empty() || cur_->bottoms.size() > 4)
    fail("expects 1 to 3 bottoms (q, k, v; and an optional mask) and 1 top");
  const int64_t e = positive(geti(0, 0), "embed_dim"), heads = positive(geti(1, 1), "num_head");
  if (e % heads != 0) fail(fmt::format("embed_dim {} does not divide into {} heads", e, heads));
  const int64_t kdim = positive(geti(3, e), "kdim"), vdim = positive(geti(4, e), "vdim");
  const int64_t qsize = geti(2, 0);
  if (qsize != e * e) fail(fmt::format("weight_data_size {} is not embed_dim^2 ({})", qsize, e * e));
  const bool masked = geti(5, 0) != 0;
  const size_t n_inputs = cur_->bottoms.size() - (masked ? 1 : 0);
  if (n_inputs < 1 || n_inputs > 3) fail("needs q, and optionally k and v");
  TensorId q = activation(0);
  TensorId k = n_inputs >= 2 ? activation(1) : q;
  TensorId v = n_inputs == 3 ? activation(2) : k;
  for (TensorId t : {q, k, v})
    if (dims(t) != 2) fail(fmt::format("expects 2-D (seq, embed) blobs, got [{}]", shape_to_string(shape(t), ',')));
  if (shape(q)[2] != e || shape(k)[2] != kdim || shape(v)[2] != vdim)
    fail("input widths do not match embed_dim, kdim and vdim");
  const std::string& n = cur_->name;
  const int64_t hd = e / heads, sq = shape(q)[1], sk = shape(k)[1];
  if (shape(v)[1] != sk) fail("k and v differ in sequence length");
  auto project = [&](TensorId x, const char* part, std::vector<int64_t> perm) {
    TensorId x2 = flatten(x, 2, n + "/" + part + "_flatten", n + "#" + part + "_in");
    Operator op = new_op(OpType::Gemm, n + "/" + part + "_proj");
    op.attrs.units = e;
    op.inputs = {x2};
    op.weights = {weight(op.name + ".weight", {e, shape(x).back()}), weight(op.name + ".bias", {e})};
    TensorId y = emit1(std::move(op), n + "#" + part);
    const int64_t s = shape(y)[0];
    y = reshape(y, {s, heads, hd}, n + "/" + part + "_heads", n + "#" + part + "_heads");
    return transpose(y, perm, n + "/" + part + "_transpose", n + "#" + part + "_t");
  };
  TensorId qh = project(q, "q", {1, 0, 2});  // [H, Sq, d]
  TensorId kh = project(k, "k", {1, 2, 0});  // [H, d, Sk]
  TensorId vh = project(v, "v", {1, 0, 2});  // [H, Sk, d]
  Operator qk = new_op(OpType::MatMul, n + "/qk");
  qk.inputs = {qh, kh};
  TensorId scores = emit1(std::move(qk), n + "#scores");
  Operator sm = new_op(OpType::Softmax, n + "/softmax");
  sm.attrs.axis = 2;
  sm.inputs = {scores};
  TensorId attn = emit1(std::move(sm), n + "#attn");
  Operator av = new_op(OpType::MatMul, n + "/av");
  av.inputs = {attn, vh};
  TensorId ctx = emit1(std::move(av), n + "#ctx");  // [H, Sq, d]
  ctx = transpose(ctx, {1, 0, 2}, n + "/ctx_transpose", n + "#ctx_t");
  ctx = reshape(ctx, {sq, e}, n + "/ctx_merge", n + "#ctx_merged");
  Operator out = new_op(OpType::Gemm, n + "/out_proj");
  out.attrs.units = e;
  out.inputs = {ctx};
  out.weights = {weight(out.name + ".weight", {e, e}), weight(out.name + ".bias", {e})};
  TensorId y = emit1(std::move(out), n + "#out");
  bind(top(), reshape(y, {1, sq, e}, n + "/reshape", top()));
}

}  // namespace tilesim::ncnn_import

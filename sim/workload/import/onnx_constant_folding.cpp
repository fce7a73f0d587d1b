// Constant folding: a node whose inputs are all constants (the Shape, Gather, Concat... subgraphs
// that exporters write for reshape targets) is computed at import where its values are known and
// small, else becomes a constant of the shape ONNX infers, so that the operators on activations
// get their shape, axes and sizes as constants.
#include "sim/workload/import/onnx_importer.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

namespace tilesim::onnx_import {
namespace {

std::vector<int64_t> strides_of(const Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (size_t i = s.size(); i-- > 1;) st[i - 1] = st[i] * s[i];
  return st;
}

using Vals = std::vector<double>;

int64_t broadcast_index(int64_t flat, const Shape& out, const Shape& in) {
  int64_t idx = 0, stride = 1;
  for (size_t k = 0; k < in.size(); ++k) {
    const size_t od = out.size() - 1 - k, id = in.size() - 1 - k;
    int64_t ostr = 1;
    for (size_t j = od + 1; j < out.size(); ++j) ostr *= out[j];
    const int64_t coord = (flat / ostr) % out[od];
    if (in[id] != 1) idx += coord * stride;
    stride *= in[id];
  }
  return idx;
}

}  // namespace

Shape broadcast_shapes(const std::vector<Shape>& shapes, bool& ok) {
  size_t rank = 0;
  for (const auto& s : shapes) rank = std::max(rank, s.size());
  Shape out(rank, 1);
  ok = true;
  for (const auto& s : shapes)
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t& o = out[rank - s.size() + i];
      if (s[i] == o || s[i] == 1) continue;
      if (o == 1) o = s[i];
      else ok = false;
    }
  return out;
}

bool is_elementwise(const std::string& op_type) {
  static const std::set<std::string> kElementwise = {
      "Add", "Sub", "Mul", "Div", "Pow", "Mod", "Max", "Min", "Where", "Equal", "Less", "LessOrEqual", "Greater",
      "GreaterOrEqual", "And", "Or", "Xor", "Not", "BitShift", "Sigmoid", "Exp", "Log", "Sqrt", "Neg", "Abs", "Relu",
      "Clip", "Floor", "Ceil", "Round", "Sign", "Tanh", "IsNaN", "IsInf"};
  return kElementwise.count(op_type) > 0;
}

// ---- constant folding ----------------------------------------------------------------------

void Importer::fold_constant() {
  if (const Attribute* a = attr("value")) {
    if (a->kind != Attribute::kTensor) fail("value is not a tensor");
    const ConstTensor& t = a->t;
    return set_constant(0, Shape(t.dims.begin(), t.dims.end()), t.elem_type,
                        t.has_values ? std::optional(t.values) : std::nullopt);
  }
  if (const Attribute* a = attr("value_float")) return set_constant(0, {}, onnx_ir::kFloat, std::vector<double>{a->f});
  if (const Attribute* a = attr("value_int")) return set_constant(0, {}, onnx_ir::kInt64, std::vector<double>{double(a->i)});
  if (const Attribute* a = attr("value_floats"))
    return set_constant(0, {int64_t(a->floats.size())}, onnx_ir::kFloat, std::vector<double>(a->floats.begin(), a->floats.end()));
  if (const Attribute* a = attr("value_ints"))
    return set_constant(0, {int64_t(a->ints.size())}, onnx_ir::kInt64, std::vector<double>(a->ints.begin(), a->ints.end()));
  throw Unsupported{"a Constant without a tensor, float or int value"};
}

void Importer::fold_shape() {
  const Shape s = input_shape(0);
  if (node_->op_type == "Size") return set_constant(0, {}, onnx_ir::kInt64, std::vector<double>{double(count(s))});
  const auto r = static_cast<int64_t>(s.size());
  int64_t start = attr_int("start", 0), end = attr_int("end", r);
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = std::clamp<int64_t>(start, 0, r);
  end = std::clamp<int64_t>(end, 0, r);
  std::vector<double> v;
  for (int64_t i = start; i < end; ++i) v.push_back(double(s[size_t(i)]));
  set_constant(0, {int64_t(v.size())}, onnx_ir::kInt64, v);
}

std::vector<int64_t> Importer::transpose_perm(size_t rank) {
  std::vector<int64_t> perm = attr_ints("perm", {});
  if (perm.empty())
    for (size_t i = 0; i < rank; ++i) perm.push_back(int64_t(rank - 1 - i));
  if (perm.size() != rank) fail("perm must name every axis");
  for (int64_t& p : perm) p = axis_in(p, rank);
  return perm;
}

Shape Importer::transposed(const Shape& in, const std::vector<int64_t>& perm) {
  Shape out(in.size());
  for (size_t d = 0; d < in.size(); ++d) out[d] = in[size_t(perm[d])];
  return out;
}

Shape Importer::flattened(const Shape& in) {
  const int64_t axis = axis_in(attr_int("axis", 1), in.size() + 1);
  int64_t outer = 1, inner = 1;
  for (size_t d = 0; d < in.size(); ++d) (int64_t(d) < axis ? outer : inner) *= in[d];
  return {outer, inner};
}

std::vector<int64_t> Importer::reduce_axes() {
  return has_input(1) ? const_ints(1, "axes") : attr_ints("axes", {});
}

Shape Importer::concat_shape() {
  const Shape& first = input(0).shape;
  const int64_t axis = axis_in(attr_int("axis", 0), first.size());
  Shape out = first;
  out[size_t(axis)] = 0;
  for (size_t i = 0; i < node_->inputs.size(); ++i) {
    if (!has_input(i)) continue;
    const Shape& s = input(i).shape;
    if (s.size() != first.size()) fail("concatenates constants of different ranks");
    for (size_t d = 0; d < out.size(); ++d)
      if (int64_t(d) != axis && s[d] != first[d]) fail("concatenates constants of different shapes");
    out[size_t(axis)] += s[size_t(axis)];
  }
  return out;
}

Shape Importer::gather_shape(const Shape& data, const Shape& indices) {
  const int64_t axis = axis_in(attr_int("axis", 0), data.size());
  Shape out(data.begin(), data.begin() + axis);
  out.insert(out.end(), indices.begin(), indices.end());
  out.insert(out.end(), data.begin() + axis + 1, data.end());
  return out;
}

Shape Importer::expand_shape(const Shape& in) {
  const auto dims = const_ints(1, "shape");
  bool ok = false;
  const Shape out = broadcast_shapes({in, Shape(dims.begin(), dims.end())}, ok);
  if (!ok) fail("Expand to an incompatible shape");
  return out;
}

Importer::SliceWindow Importer::slice_window(const Shape& in) {
  const auto [starts, ends, axes, steps] = slice_args();
  const size_t r = in.size();
  SliceWindow w{in, std::vector<int64_t>(r, 0), std::vector<int64_t>(r, 1)};
  for (size_t i = 0; i < axes.size(); ++i) {
    const auto ax = size_t(axis_in(axes[i], r));
    const int64_t dim = in[ax], step = steps.empty() ? 1 : steps[i];
    if (step == 0) fail("slice step 0");
    int64_t s0 = starts[i] < 0 ? starts[i] + dim : starts[i], e0 = ends[i] < 0 ? ends[i] + dim : ends[i];
    if (step > 0) {
      s0 = std::clamp<int64_t>(s0, 0, dim);
      e0 = std::clamp<int64_t>(e0, 0, dim);
      w.out[ax] = e0 > s0 ? (e0 - s0 + step - 1) / step : 0;
    } else {
      s0 = std::clamp<int64_t>(s0, 0, dim - 1);
      e0 = std::clamp<int64_t>(e0, -1, dim - 1);
      w.out[ax] = s0 > e0 ? (s0 - e0 - step - 1) / -step : 0;
    }
    w.begin[ax] = s0;
    w.step[ax] = step;
  }
  return w;
}

// A node whose inputs are all constants: computed here where its values are known and small,
// else a constant of the shape its rule gives, else of the shape ONNX infers.
void Importer::fold() {
  const std::string& t = node_->op_type;
  bool all_values = true;
  for (size_t i = 0; i < node_->inputs.size(); ++i)
    if (has_input(i) && !input(i).has_values) all_values = false;
  if (all_values) {
    if (fold_values(t)) return;
  } else if (t == "Identity" || t == "Cast" || t == "Dropout") {
    Value& v = input(0);
    return set_constant(0, v.shape, t == "Cast" ? int32_t(attr_int("to", v.elem_type)) : v.elem_type, std::nullopt);
  } else if (t == "ConstantOfShape") {
    const auto dims = const_ints(0, "shape");
    return set_constant(0, Shape(dims.begin(), dims.end()), onnx_ir::kFloat, std::nullopt);
  }
  if (fold_shapes_only(t)) return;
  // Whatever ONNX infers, as a constant without values.
  for (size_t o = 0; o < node_->outputs.size(); ++o) {
    const auto it = onnx_shapes_.find(node_->outputs[o]);
    if (it == onnx_shapes_.end() || !it->second->has_shape ||
        std::any_of(it->second->dims.begin(), it->second->dims.end(), [](int64_t d) { return d < 0; })) {
      if (node_->outputs[o].empty()) continue;
      throw Unsupported{fmt::format("operator {} on constants cannot be folded", t)};
    }
    set_constant(o, Shape(it->second->dims.begin(), it->second->dims.end()), it->second->elem_type, std::nullopt);
  }
}

// The shape of a node on constants some of whose values are not kept (big anchor grids, weights):
// the reshape, concat and broadcast rules need shapes only. False where the rule needs values.
bool Importer::fold_shapes_only(const std::string& t) {
  static const std::set<std::string> kBoolean = {"Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual",
                                                 "And", "Or", "Xor", "Not", "IsNaN", "IsInf"};
  Value& a = input(0);
  auto result = [&](Shape s, int32_t et) {
    if (count(s) < 0) fail("a constant of a negative or huge shape");
    set_constant(0, std::move(s), et, std::nullopt);
    return true;
  };
  const auto known = [&](size_t i) { return !has_input(i) || input(i).has_values; };
  if (t == "Reshape" && known(1)) return result(reshape_target(a.shape, const_ints(1, "shape")), a.elem_type);
  if ((t == "Unsqueeze" || t == "Squeeze") && (opset() < 13 || known(1)))
    return result(squeeze_shape(a.shape), a.elem_type);
  if (t == "Flatten") return result(flattened(a.shape), a.elem_type);
  if (t == "Transpose") return result(transposed(a.shape, transpose_perm(a.shape.size())), a.elem_type);
  if (t == "Concat") return result(concat_shape(), a.elem_type);
  if (t == "Expand" && known(1)) return result(expand_shape(a.shape), a.elem_type);
  if (t == "Slice" && known(1) && known(2) && known(3) && known(4)) return result(slice_window(a.shape).out, a.elem_type);
  if (t == "Gather") return result(gather_shape(a.shape, input(1).shape), a.elem_type);
  if (t == "Tile" && known(1)) {
    const auto repeats = const_ints(1, "repeats");
    if (repeats.size() != a.shape.size()) fail("Tile needs one repeat count per axis");
    Shape out = a.shape;
    for (size_t d = 0; d < out.size(); ++d) {
      if (repeats[d] < 0 || (repeats[d] > 0 && out[d] > kMaxTensorElements / repeats[d])) fail("Tile of a huge shape");
      out[d] *= repeats[d];
    }
    return result(out, a.elem_type);
  }
  if (is_elementwise(t)) {
    std::vector<Shape> shapes;
    for (size_t i = 0; i < node_->inputs.size(); ++i)
      if (has_input(i) && !(t == "Clip" && i > 0)) shapes.push_back(input(i).shape);
    bool ok = true;
    const Shape out = broadcast_shapes(shapes, ok);
    if (!ok) fail("operands do not broadcast");
    return result(out, kBoolean.count(t) ? onnx_ir::kBool : t == "Where" ? input(1).elem_type : a.elem_type);
  }
  return false;
}

bool Importer::fold_values(const std::string& t) {
  Value& a = input(0);
  const int32_t et = a.elem_type;
  const bool integer = is_integer_type(et);
  auto same = [&](Shape s) { set_constant(0, std::move(s), et, a.values); };
  if (t == "Identity" || t == "Dropout") return same(a.shape), true;
  if (t == "Cast") {
    const auto to = int32_t(attr_int("to", onnx_ir::kFloat));
    Vals v = a.values;
    if (to == onnx_ir::kBool) for (double& d : v) d = d != 0;
    set_constant(0, a.shape, to, v);
    return true;
  }
  if (t == "Unsqueeze" || t == "Squeeze") return same(squeeze_shape(a.shape)), true;
  if (t == "Reshape") return same(reshape_target(a.shape, const_ints(1, "shape"))), true;
  if (t == "Flatten") return same(flattened(a.shape)), true;
  if (t == "Concat") {
    const Shape out = concat_shape();
    const int64_t axis = axis_in(attr_int("axis", 0), a.shape.size());
    std::vector<Value*> parts;
    for (size_t i = 0; i < node_->inputs.size(); ++i)
      if (has_input(i)) parts.push_back(&input(i));
    int64_t outer = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= out[size_t(d)];
    Vals v;
    for (int64_t o = 0; o < outer; ++o)
      for (Value* p : parts) {
        const int64_t chunk = count(p->shape) / std::max<int64_t>(outer, 1);
        v.insert(v.end(), p->values.begin() + o * chunk, p->values.begin() + (o + 1) * chunk);
      }
    set_constant(0, out, et, v);
    return true;
  }
  if (t == "Gather") {
    Value& idx = input(1);
    const int64_t axis = axis_in(attr_int("axis", 0), a.shape.size());
    const Shape out = gather_shape(a.shape, idx.shape);
    if (count(out) < 0 || count(out) > onnx_ir::kMaxConstantValues) return set_constant(0, out, et, std::nullopt), true;
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= a.shape[size_t(d)];
    for (size_t d = size_t(axis) + 1; d < a.shape.size(); ++d) inner *= a.shape[d];
    const int64_t dim = a.shape[size_t(axis)];
    Vals v;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j : to_ints(idx.values, "indices")) {
        if (j < -dim || j >= dim) fail(fmt::format("index {} out of range for a dimension of {}", j, dim));
        if (j < 0) j += dim;
        for (int64_t i = 0; i < inner; ++i) v.push_back(a.values[size_t((o * dim + j) * inner + i)]);
      }
    set_constant(0, out, et, v);
    return true;
  }
  if (t == "Slice") {
    const SliceWindow w = slice_window(a.shape);
    const Shape& out = w.out;
    const std::vector<int64_t>&b = w.begin, &st = w.step;
    const size_t r = a.shape.size();
    const auto in_str = strides_of(a.shape), out_str = strides_of(out);
    Vals v(size_t(std::max<int64_t>(count(out), 0)));
    for (int64_t f = 0; f < int64_t(v.size()); ++f) {
      int64_t src = 0;
      for (size_t d = 0; d < r; ++d) src += (b[d] + ((f / out_str[d]) % out[d]) * st[d]) * in_str[d];
      v[size_t(f)] = a.values[size_t(src)];
    }
    set_constant(0, out, et, v);
    return true;
  }
  if (t == "Transpose") {
    const size_t r = a.shape.size();
    const std::vector<int64_t> perm = transpose_perm(r);
    const Shape out = transposed(a.shape, perm);
    const auto in_str = strides_of(a.shape), out_str = strides_of(out);
    Vals v(a.values.size());
    for (int64_t f = 0; f < int64_t(v.size()); ++f) {
      int64_t src = 0;
      for (size_t d = 0; d < r; ++d) src += ((f / out_str[d]) % out[d]) * in_str[size_t(perm[d])];
      v[size_t(f)] = a.values[size_t(src)];
    }
    set_constant(0, out, et, v);
    return true;
  }
  if (t == "ConstantOfShape") {
    const auto dims = const_ints(0, "shape");
    const Shape out(dims.begin(), dims.end());
    double fill = 0;
    int32_t fet = onnx_ir::kFloat;
    if (const Attribute* va = attr("value"); va && va->kind == Attribute::kTensor) {
      fet = va->t.elem_type;
      if (va->t.has_values && !va->t.values.empty()) fill = va->t.values[0];
    }
    const int64_t n = count(out);
    if (n < 0) fail("ConstantOfShape of a negative or huge shape");
    set_constant(0, out, fet, n <= onnx_ir::kMaxConstantValues ? std::optional(Vals(size_t(n), fill)) : std::nullopt);
    return true;
  }
  if (t == "Range") {
    const double start = a.values.at(0), limit = input(1).values.at(0), delta = input(2).values.at(0);
    if (delta == 0) fail("Range with delta 0");
    const double n = std::max(std::ceil((limit - start) / delta), 0.0);
    if (!(n <= double(kMaxTensorElements))) fail("Range of too many elements");
    const auto cnt = int64_t(n);
    std::optional<Vals> v;
    if (cnt <= onnx_ir::kMaxConstantValues) {
      v.emplace();
      for (int64_t i = 0; i < cnt; ++i) v->push_back(start + double(i) * delta);
    }
    set_constant(0, {cnt}, et, v);
    return true;
  }
  if (t == "Expand") {
    const Shape out = expand_shape(a.shape);
    const int64_t n = count(out);
    if (n < 0) fail("Expand to a negative or huge shape");
    std::optional<Vals> v;
    if (n <= onnx_ir::kMaxConstantValues) {
      v.emplace();
      for (int64_t f = 0; f < n; ++f) v->push_back(a.values[size_t(broadcast_index(f, out, a.shape))]);
    }
    set_constant(0, out, et, v);
    return true;
  }
  if (t.rfind("Reduce", 0) == 0) {
    const std::vector<int64_t> axes = reduce_axes();
    const bool keep = attr_int("keepdims", 1) != 0;
    const size_t r = a.shape.size();
    std::vector<bool> red(r, axes.empty());
    if (axes.empty() && attr_int("noop_with_empty_axes", 0)) return same(a.shape), true;
    for (int64_t ax : axes) red[size_t(axis_in(ax, r))] = true;
    Shape out, kept;
    for (size_t d = 0; d < r; ++d) {
      kept.push_back(red[d] ? 1 : a.shape[d]);
      if (!red[d]) out.push_back(a.shape[d]);
      else if (keep) out.push_back(1);
    }
    const int64_t n = count(kept);
    Vals acc(size_t(n), t == "ReduceProd" ? 1.0 : t == "ReduceMax" ? -INFINITY : t == "ReduceMin" ? INFINITY : 0.0);
    std::vector<int64_t> cnt(size_t(n), 0);
    const auto in_str = strides_of(a.shape), k_str = strides_of(kept);
    for (int64_t f = 0; f < int64_t(a.values.size()); ++f) {
      int64_t k = 0;
      for (size_t d = 0; d < r; ++d)
        if (!red[d]) k += ((f / in_str[d]) % a.shape[d]) * k_str[d];
      double& s = acc[size_t(k)];
      const double x = a.values[size_t(f)];
      if (t == "ReduceProd") s *= x;
      else if (t == "ReduceMax") s = std::max(s, x);
      else if (t == "ReduceMin") s = std::min(s, x);
      else if (t == "ReduceSum" || t == "ReduceMean") s += x;
      else return false;
      ++cnt[size_t(k)];
    }
    if (t == "ReduceMean")
      for (size_t i = 0; i < acc.size(); ++i) acc[i] /= std::max<int64_t>(cnt[i], 1);
    set_constant(0, out, et, acc);
    return true;
  }
  static const std::map<std::string, std::function<double(double)>> unary{
      {"Neg", [](double x) { return -x; }}, {"Abs", [](double x) { return std::fabs(x); }},
      {"Floor", [](double x) { return std::floor(x); }}, {"Ceil", [](double x) { return std::ceil(x); }},
      {"Round", [](double x) { return std::nearbyint(x); }}, {"Sqrt", [](double x) { return std::sqrt(x); }},
      {"Reciprocal", [](double x) { return 1 / x; }}, {"Not", [](double x) { return double(x == 0); }},
      {"Exp", [](double x) { return std::exp(x); }}, {"Log", [](double x) { return std::log(x); }},
      {"Relu", [](double x) { return std::max(x, 0.0); }}, {"Sign", [](double x) { return double((x > 0) - (x < 0)); }},
  };
  if (auto u = unary.find(t); u != unary.end()) {
    Vals v = a.values;
    for (double& d : v) d = u->second(d);
    return same(a.shape), values_[node_->outputs[0]].values = v, true;
  }
  static const std::map<std::string, std::function<double(double, double, bool)>> binary{
      {"Add", [](double x, double y, bool) { return x + y; }},
      {"Sub", [](double x, double y, bool) { return x - y; }},
      {"Mul", [](double x, double y, bool) { return x * y; }},
      {"Div", [](double x, double y, bool i) { return i ? (y == 0 ? 0 : std::trunc(x / y)) : x / y; }},
      {"Pow", [](double x, double y, bool) { return std::pow(x, y); }},
      {"Mod", [](double x, double y, bool) { return y == 0 ? 0 : x - std::floor(x / y) * y; }},
      {"Max", [](double x, double y, bool) { return std::max(x, y); }},
      {"Min", [](double x, double y, bool) { return std::min(x, y); }},
      {"Equal", [](double x, double y, bool) { return double(x == y); }},
      {"Less", [](double x, double y, bool) { return double(x < y); }},
      {"Greater", [](double x, double y, bool) { return double(x > y); }},
      {"And", [](double x, double y, bool) { return double(x != 0 && y != 0); }},
      {"Or", [](double x, double y, bool) { return double(x != 0 || y != 0); }},
  };
  const bool compare = t == "Equal" || t == "Less" || t == "Greater" || t == "And" || t == "Or";
  if (auto b = binary.find(t); b != binary.end() && node_->inputs.size() >= 2) {
    std::vector<Shape> shapes;
    for (size_t i = 0; i < node_->inputs.size(); ++i) shapes.push_back(input(i).shape);
    bool ok = false;
    const Shape out = broadcast_shapes(shapes, ok);
    if (!ok) fail("operands do not broadcast");
    const int64_t n = count(out);
    if (n < 0 || n > onnx_ir::kMaxConstantValues) return set_constant(0, out, compare ? onnx_ir::kBool : et, std::nullopt), true;
    Vals v(static_cast<size_t>(n));
    for (int64_t f = 0; f < n; ++f) v[size_t(f)] = a.values[size_t(broadcast_index(f, out, a.shape))];
    for (size_t i = 1; i < node_->inputs.size(); ++i) {
      Value& y = input(i);
      for (int64_t f = 0; f < n; ++f)
        v[size_t(f)] = b->second(v[size_t(f)], y.values[size_t(broadcast_index(f, out, y.shape))], integer);
    }
    set_constant(0, out, compare ? onnx_ir::kBool : et, v);
    return true;
  }
  if (t == "Where" && node_->inputs.size() == 3) {
    Value &x = input(1), &y = input(2);
    bool ok = false;
    const Shape out = broadcast_shapes({a.shape, x.shape, y.shape}, ok);
    if (!ok) fail("operands do not broadcast");
    const int64_t n = count(out);
    if (n < 0 || n > onnx_ir::kMaxConstantValues) return set_constant(0, out, x.elem_type, std::nullopt), true;
    Vals v(static_cast<size_t>(n));
    for (int64_t f = 0; f < n; ++f)
      v[size_t(f)] = a.values[size_t(broadcast_index(f, out, a.shape))] != 0 ? x.values[size_t(broadcast_index(f, out, x.shape))]
                                                                        : y.values[size_t(broadcast_index(f, out, y.shape))];
    set_constant(0, out, x.elem_type, v);
    return true;
  }
  return false;
}

}  // namespace tilesim::onnx_import

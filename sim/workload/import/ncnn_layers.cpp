// ncnn layers without arithmetic of their own: Input, MemoryData, Noop, the detection layers
// (PriorBox, DetectionOutput), and unmodelled stand-ins for the layer types tilesim has no model of.
#include "sim/workload/import/ncnn_importer.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace tilesim::ncnn_import {

void Importer::unknown(const std::string& why) {
  if (!opt_.allow_unknown)
    fail(fmt::format("{} (allow unknown operators to import it as an unmodelled stand-in)", why));
  if (warned_types_.insert(cur_->type).second && opt_.warnings)
    opt_.warnings->push_back(fmt::format("{}:{}: ncnn layer type {} ({}) is not modelled; imported as an unmodelled "
                                         "stand-in (its time is a memory-traffic estimate)",
                                         path_, cur_->line0 + 1, quoted(cur_->type), why));
  Operator op = new_op(OpType::Unmodelled, cur_->name);
  for (size_t i = 0; i < cur_->bottoms.size(); ++i) (is_const(blob(i)) ? op.weights : op.inputs).push_back(blob(i));
  if (auto h = hinted_shapes()) {
    op.attrs.output_shapes = *h;
  } else {
    if (cur_->bottoms.empty()) fail("has no bottoms and no output shape hint (-23330)");
    op.attrs.output_shapes.assign(cur_->tops.size(), shape(blob(0)));
  }
  auto outs = emit(std::move(op), cur_->tops);
  for (size_t i = 0; i < outs.size(); ++i) bind(top(i), outs[i]);
}

void Importer::input() {
  need(0, 1);
  Shape s;
  if (opt_.input && !input_seen_) {
    s = *opt_.input;
    if (s.empty() || !checked_elements(s) || std::any_of(s.begin(), s.end(), [](int64_t d) { return d < 1; }))
      fail(fmt::format("the input shape [{}] given to the importer is not positive and sane", shape_to_string(s, ',')));
  } else if (geti(0, 0) > 0) {
    s = ncnn_shape(geti(0, 0), geti(1, 0), geti(11, 0), geti(2, 0), "input");
  } else if (auto size = benchncnn_size()) {
    s = {1, 3, *size, *size};
  } else {
    fail("the file gives no input size (0=w 1=h 2=c): give the input shape");
  }
  input_seen_ = true;
  bind(top(), net_.add_tensor(Tensor{top(), s, DataType::fp32, TensorKind::input}));
}
// benchncnn's input sizes for its models whose .param leaves the size out.
std::optional<int64_t> Importer::benchncnn_size() const {
  static const std::map<std::string, int64_t> sizes = {
      {"squeezenet", 227}, {"squeezenet_int8", 227}, {"alexnet", 227}, {"blazeface", 128},
      {"mobilenet_ssd", 300}, {"mobilenet_ssd_int8", 300}, {"squeezenet_ssd", 300}, {"squeezenet_ssd_int8", 300},
      {"mobilenet_yolo", 416}, {"yolov4-tiny", 416}, {"mobilenetv2_yolov3", 352}, {"yolo-fastestv2", 352},
      {"FastestDet", 352}, {"nanodet_m", 320}, {"yolo-fastest-1.1", 320}, {"vision_transformer", 384},
  };
  auto it = sizes.find(stem_);
  if (it != sizes.end()) return it->second;
  return std::nullopt;  // other benchncnn classifiers are 224, but an unknown file's size is unknown
}

void Importer::memory_data() {
  need(0, 1);
  Shape s = ncnn_shape(geti(0, 0), geti(1, 0), geti(11, 0), geti(2, 0), "MemoryData");
  bind(top(), weight(top(), s));
}

void Importer::noop() {
  // ncnn's Noop passes its bottoms through in place: top i is bottom i.
  if (cur_->tops.size() > cur_->bottoms.size()) fail("has more tops than bottoms");
  for (size_t i = 0; i < cur_->tops.size(); ++i)
    bind(top(i), unary(OpType::Identity, activation(i), i ? cur_->name + "#" + std::to_string(i) : cur_->name, top(i)));
}

void Importer::prior_box() {
  if (cur_->bottoms.empty() || cur_->bottoms.size() > 2 || cur_->tops.size() != 1)
    fail("expects 1 or 2 bottoms (feature, image) and 1 top");
  TensorId feat = activation(0);
  if (dims(feat) != 3) fail("expects a 3-D feature blob");
  const auto min_sizes = geta(0), max_sizes = geta(1), ratios = geta(2);
  const bool flip = geti(7, 1) != 0;
  const bool mmdet = geti(14, 0) != 0;
  int64_t num_prior = 0;
  if (mmdet) {
    num_prior = static_cast<int64_t>(min_sizes.size() * ratios.size());
  } else {
    const auto nmin = static_cast<int64_t>(min_sizes.size()), nmax = static_cast<int64_t>(max_sizes.size());
    const auto nar = static_cast<int64_t>(ratios.size());
    num_prior = nmin * nar + nmin + nmax;
    if (flip) num_prior += nmin * nar;
  }
  if (num_prior < 1) fail("no prior boxes (min_sizes empty)");
  const int64_t cells = shape(feat)[2] * shape(feat)[3];
  Operator op = new_op(OpType::PriorBox, cur_->name);
  op.attrs.output_shapes = {{1, 2, 4 * num_prior * cells}};  // ncnn: 2 rows (boxes, variances)
  for (size_t i = 0; i < cur_->bottoms.size(); ++i) op.inputs.push_back(activation(i));
  bind(top(), emit1(std::move(op), top()));
}

void Importer::detection_output() {
  if (cur_->bottoms.empty() || cur_->tops.size() != 1) fail("expects bottoms and 1 top");
  Operator op = new_op(OpType::DetectionOutput, cur_->name);
  for (size_t i = 0; i < cur_->bottoms.size(); ++i) op.inputs.push_back(activation(i));
  if (auto h = hinted_shapes()) {
    op.attrs.output_shapes = *h;
  } else {
    // The number of detections depends on the data: a nominal keep_top_k rows of 6 values.
    const int64_t keep = cur_->type == "DetectionOutput" ? geti(3, 100) : 100;
    op.attrs.output_shapes = {{1, keep > 0 ? std::min<int64_t>(keep, 1 << 20) : 100, 6}};
  }
  bind(top(), emit1(std::move(op), top()));
}

}  // namespace tilesim::ncnn_import

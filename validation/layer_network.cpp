#include "validation/layer_network.hpp"

#include <fmt/format.h>

#include "hwmodels/config_error.hpp"
#include "sim/workload/network_builder.hpp"
#include "sim/workload/shape_inference.hpp"

namespace tilesim {

std::optional<Network> layer_network(const LayerMeasurement& l) {
  if (l.input.empty() || l.output.empty()) return std::nullopt;
  NetworkBuilder b(l.name.empty() ? l.op : l.name);
  try {
    const TensorId x = b.input(l.input);
    TensorId y = -1;
    auto at = [](const std::vector<int64_t>& v, size_t i, int64_t d) { return i < v.size() ? v[i] : d; };
    if (l.op == "Conv") {
      ConvSpec s;
      s.out_channels = l.output.at(1);
      s.kernel_h = at(l.kernel_shape, 0, 1);
      s.kernel_w = at(l.kernel_shape, 1, 1);
      s.stride_h = at(l.strides, 0, 1);
      s.stride_w = at(l.strides, 1, 1);
      s.pads = l.pads.size() == 4 ? l.pads : std::vector<int64_t>{0, 0, 0, 0};
      s.dilation = at(l.dilations, 0, 1);
      s.groups = l.group;
      y = b.conv(x, s, "layer");
    } else if (l.op == "Gemm") {
      const Shape in = l.input.size() == 2 ? l.input : Shape{l.input.at(0), Tensor{"", l.input}.elements() / l.input.at(0)};
      const TensorId flat = l.input.size() == 2 ? x : b.flatten(x, "flatten");
      (void)in;
      y = b.gemm(flat, l.output.back(), true, "layer");
    } else if (l.op == "MaxPool" || l.op == "AveragePool") {
      PoolSpec p{at(l.kernel_shape, 0, 2), at(l.strides, 0, 2), at(l.pads, 0, 0), false, true};
      y = l.op == "MaxPool" ? b.max_pool(x, p, "layer") : b.avg_pool(x, p, "layer");
      if (b.shape(y) != l.output) {  // the engine rounds the output size up
        NetworkBuilder c(l.name);
        p.ceil_mode = true;
        const TensorId cx = c.input(l.input);
        y = l.op == "MaxPool" ? c.max_pool(cx, p, "layer") : c.avg_pool(cx, p, "layer");
        if (c.shape(y) != l.output)
          throw ConfigError(fmt::format("layer '{}': pooling [{}] -> [{}] matches no window", l.name,
                                        shape_to_string(l.input, ','), shape_to_string(l.output, ',')));
        return std::move(c).finish();
      }
    } else if (l.op == "GlobalAveragePool") {
      y = b.global_avg_pool(x, "layer");
    } else {
      return std::nullopt;
    }
    if (b.shape(y) != l.output)
      throw ConfigError(fmt::format("layer '{}' ({}): attributes give output [{}], the row says [{}]", l.name, l.op,
                                    shape_to_string(b.shape(y), ','), shape_to_string(l.output, ',')));
  } catch (const ShapeError& e) {
    throw ConfigError(fmt::format("layer '{}': {}", l.name, e.what()));
  }
  return std::move(b).finish();
}

}  // namespace tilesim

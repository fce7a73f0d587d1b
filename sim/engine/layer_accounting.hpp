#pragma once
// What the CPU and GPU simulations account the same way: each layer's identity and arithmetic,
// the weight bytes it keeps resident and which part of its time bounds it; the run's identity and tail.
#include "hwmodels/soc.hpp"
#include "kernels/engine_profile.hpp"
#include "kernels/kernel_plan.hpp"
#include "sim/engine/run_result.hpp"
#include "sim/engine/work_pool.hpp"
#include "sim/workload/network.hpp"

namespace tilesim {

// Name, operator, fused operators, algorithm, MACs, FLOPs and tiles; times are left at zero.
LayerResult layer_result_for(const Network& net, OpId id, const KernelPlan& plan);

// The phase with the most arithmetic (nullptr for a plan without phases).
const Phase* main_phase(const KernelPlan& plan);

// Weight bytes the engine keeps for the layer: its transformed weights where it transforms them
// (Winograd), else the raw weights at `bytes_per_element`.
int64_t resident_weight_bytes(const Network& net, OpId id, const KernelPlan& plan, int64_t bytes_per_element);

// Names the largest of compute, memory, imbalance and overhead as the layer's bound ("overhead"
// for a layer that runs no kernel).
void name_bound(LayerResult& layer);

// A run's result before any layer: what ran (the fused network), where, with which engine.
RunResult run_identity(const Network& net, const SocSpec& soc, const EngineProfile& engine, const char* device);

// The run's tail once its layers are in: total latency, static energy, parameters, peak memory
// (weights + peak live activations at `bytes_per_element` + largest workspace), events, timeline.
void close_run(RunResult& r, const Network& net, const std::vector<OpId>& order, int64_t bytes_per_element,
               double latency_s, double static_power_w, const WorkPool& pool);

// Learnable parameters of the network, as PyTorch counts them.
int64_t learnable_params(const Network& net);

}  // namespace tilesim

#include "hwmodels/host_probe.hpp"

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <numeric>
#include <thread>

#include <fmt/format.h>

#include "hwmodels/units.hpp"

namespace tilesim {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::string read_line(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

// Independent FMA chains, enough to cover latency x throughput on current cores.
__attribute__((target("avx2,fma"))) double fma_avx2() {
  constexpr int kChains = 12;
  constexpr uint64_t kIterations = 20'000'000;
  __m256 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_ps(static_cast<float>(i));
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  const auto t0 = Clock::now();
  for (uint64_t it = 0; it < kIterations; ++it)
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  const double s = seconds_since(t0);
  float sink = 0;
  for (int i = 0; i < kChains; ++i) sink += _mm256_cvtss_f32(acc[i]);
  asm volatile("" ::"x"(sink));
  return kChains * kIterations * 8.0 * 2.0 / s;
}

__attribute__((target("avx512f"))) double fma_avx512() {
  constexpr int kChains = 12;
  constexpr uint64_t kIterations = 10'000'000;
  __m512 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(static_cast<float>(i));
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  const auto t0 = Clock::now();
  for (uint64_t it = 0; it < kIterations; ++it)
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  const double s = seconds_since(t0);
  alignas(64) float lanes[16];
  float sink = 0;
  for (int i = 0; i < kChains; ++i) {
    _mm512_store_ps(lanes, acc[i]);
    sink += lanes[0];
  }
  asm volatile("" ::"x"(sink));
  return kChains * kIterations * 16.0 * 2.0 / s;
}

// Read bandwidth over a buffer of `bytes`, swept until about `total` bytes were read; best of 3.
__attribute__((target("avx2"))) double read_bandwidth(size_t bytes, double total) {
  std::vector<float> buf(bytes / sizeof(float), 1.0f);
  const size_t n = buf.size() / 32 * 32;
  const int passes = std::max(1, static_cast<int>(total / static_cast<double>(bytes)));
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    const auto t0 = Clock::now();
    for (int p = 0; p < passes; ++p)
      for (size_t i = 0; i < n; i += 32) {
        s0 = _mm256_add_ps(s0, _mm256_loadu_ps(&buf[i]));
        s1 = _mm256_add_ps(s1, _mm256_loadu_ps(&buf[i + 8]));
        s2 = _mm256_add_ps(s2, _mm256_loadu_ps(&buf[i + 16]));
        s3 = _mm256_add_ps(s3, _mm256_loadu_ps(&buf[i + 24]));
      }
    const double s = seconds_since(t0);
    const float sink = _mm256_cvtss_f32(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    asm volatile("" ::"x"(sink));
    best = std::max(best, passes * n * sizeof(float) / s);
  }
  return best;
}

double read_bandwidth_all_threads(size_t bytes_per_thread, int threads, double total) {
  std::vector<double> bw(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] { bw[static_cast<size_t>(t)] = read_bandwidth(bytes_per_thread, total); });
  for (auto& th : pool) th.join();
  return std::accumulate(bw.begin(), bw.end(), 0.0);
}

}  // namespace

double estimate_clock_hz() {
#if defined(__x86_64__) || defined(__aarch64__)
  constexpr uint64_t kIterations = 25'000'000;
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    uint64_t x = 0;
    volatile uint64_t one_in_memory = 1;
    const uint64_t one = one_in_memory;
    const auto t0 = Clock::now();
    for (uint64_t i = 0; i < kIterations; ++i) {
      // Register-to-register adds: newer cores fold chains of immediate adds in the renamer
      // (Intel Golden Cove and later run `add $1` chains at several per cycle).
#if defined(__x86_64__)
      asm volatile("add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
                   "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0" : "+r"(x) : "r"(one));
#else
      asm volatile("add %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1\n\t"
                   "add %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1" : "+r"(x) : "r"(one));
#endif
    }
    best = std::max(best, 8.0 * kIterations / seconds_since(t0));
  }
  return best;
#else
  return 0;
#endif
}

HostProbe probe_host() {
  HostProbe p;
  p.when = std::time(nullptr);
  p.cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  {
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);)
      if (line.rfind("model name", 0) == 0) {
        p.cpu_model = line.substr(line.find(':') + 2);
        break;
      }
  }
  for (int i = 0; i < 8; ++i) {
    const std::string dir = fmt::format("/sys/devices/system/cpu/cpu0/cache/index{}/", i);
    const std::string type = read_line(dir + "type");
    if (type.empty()) break;
    if (type == "Instruction") continue;
    ProbedCache c;
    c.level = std::stoi(read_line(dir + "level"));
    c.size = parse_quantity(read_line(dir + "size") + "iB", Unit::bytes).value_or(0);
    c.associativity = std::stod("0" + read_line(dir + "ways_of_associativity"));
    c.line = std::stod("0" + read_line(dir + "coherency_line_size"));
    p.caches.push_back(c);
  }
  p.frequency_before = estimate_clock_hz();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) p.fp32_flops_avx2 = fma_avx2();
  if (__builtin_cpu_supports("avx512f")) p.fp32_flops_avx512 = fma_avx512();
  double largest = 0;
  for (auto& c : p.caches) {
    c.bandwidth_1t = read_bandwidth(static_cast<size_t>(c.size / 2), 4e9);
    // Private levels: each core its own half-size buffer; shared levels: the half split between cores.
    const bool shared = c.level >= 3;
    c.bandwidth_all = read_bandwidth_all_threads(static_cast<size_t>(c.size / 2 / (shared ? p.cores : 1)), p.cores, 4e9);
    largest = std::max(largest, c.size);
  }
  const auto dram_buffer = static_cast<size_t>(std::max(4 * largest, 256e6));
  p.dram_bandwidth_1t = read_bandwidth(dram_buffer, 2e9);
  p.dram_bandwidth_all = read_bandwidth_all_threads(dram_buffer / static_cast<size_t>(p.cores), p.cores, 2e9);
  p.frequency_after = estimate_clock_hz();
  return p;
}

std::string host_yaml(const HostProbe& p) {
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&p.when));
  const double f = p.frequency();
  const double peak = std::max(p.fp32_flops_avx2, p.fp32_flops_avx512);
  const bool avx512 = p.fp32_flops_avx512 > 0;
  const std::string measured = fmt::format("measured by tilesim probe-host at {}", when);
  std::string out = fmt::format(
      "# Generated by `tilesim probe-host` (scripts/setup.sh runs it); not committed: each machine probes itself.\n"
      "name: host\n"
      "description: \"this machine: {} x {}, probed {} (clock {:.2f}-{:.2f} GHz)\"\n"
      "source: \"{}\"\n"
      "cpu:\n  clusters:\n    big:\n      kind: big\n      count: {}\n"
      "      frequency: {{value: {:.3f}GHz, source: \"{}: dependent add chain, mean of before ({:.3f} GHz) and after ({:.3f} GHz) the probe\"}}\n"
      "      voltage: {{value: 1.1V, source: \"estimate: not observable from inside a VM; server cores run ~0.9-1.3 V\"}}\n"
      "      static_power_per_core: {{value: 1W, source: \"estimate for a server core; range 0.5-3 W\"}}\n"
      "      core:\n"
      "        name: \"{}\"\n"
      "        isa: {}\n        out_of_order: true\n"
      "        fp32_flops_per_cycle: {{value: {:.1f}, source: \"{}: AVX2 {:.1f} GFLOP/s, AVX-512 {:.1f} GFLOP/s per core\"}}\n"
      "        fp16_flops_per_cycle: 0\n"
      "        int8_ops_per_cycle: {{value: {:.1f}, source: \"estimate: 4x the fp32 rate (VNNI-class dot products)\"}}\n"
      "        store_bytes_per_cycle: 32B\n"
      "        energy_per_fp32_flop: {{value: 10pJ, source: \"estimate for a 5 nm server core; range 5-30 pJ\"}}\n",
      p.cpu_model, p.cores, when, p.frequency_before / 1e9, p.frequency_after / 1e9, measured, p.cores, f / 1e9, measured,
      p.frequency_before / 1e9, p.frequency_after / 1e9, p.cpu_model, avx512 ? "x86-64-avx512" : "x86-64-avx2",
      peak / f, measured, p.fp32_flops_avx2 / 1e9, p.fp32_flops_avx512 / 1e9, 4 * peak / f);
  const char* energy[] = {"0.3pJ", "1pJ", "3pJ"};
  auto cache_yaml = [&](const ProbedCache& c, int indent) {
    const std::string pad(static_cast<size_t>(indent), ' ');
    return fmt::format(
        "{}source: \"{}: size, ways and line from sysfs; read bandwidth {:.1f} GB/s with one core, {:.1f} GB/s with all "
        "{} (buffers of half the size)\"\n"
        "{}size: {}\n{}associativity: {}\n{}line: {}B\n"
        "{}latency: {{value: {}cycles, source: \"estimate: typical for this level on current x86 cores\"}}\n"
        "{}bandwidth: {:.1f}B\n{}energy_per_byte: {{value: {}, source: \"estimate\"}}\n",
        pad, measured, c.bandwidth_1t / 1e9, c.bandwidth_all / 1e9, p.cores, pad, format_quantity(c.size, Unit::bytes), pad, c.associativity, pad, c.line, pad,
        c.level == 1 ? 5 : c.level == 2 ? 14 : 50, pad, std::max(1.0, c.bandwidth_1t / f), pad,
        energy[std::min(c.level, 3) - 1]);
  };
  for (const auto& c : p.caches) {
    if (c.level == 1) out += "        l1d:\n" + cache_yaml(c, 10);
    if (c.level == 2) out += "        l2:\n" + cache_yaml(c, 10);
  }
  for (const auto& c : p.caches)
    if (c.level == 3) out += "  l3:\n" + cache_yaml(c, 4);
  out += fmt::format(
      "memory:\n  type: ddr5\n"
      "  source: \"{}: read bandwidth with 1 thread {:.1f} GB/s, with all {} threads {:.1f} GB/s; "
      "the DRAM type and geometry are not observable from inside a VM\"\n"
      "  bandwidth: {:.2f}GB/s\n  efficiency: 1.0\n"
      "  latency: {{value: 100ns, source: \"estimate\"}}\n"
      "  energy_per_byte: {{value: 60pJ, source: \"estimate: DDR4/5 ~15-25 pJ/bit incl. I/O\"}}\n",
      measured, p.dram_bandwidth_1t / 1e9, p.cores, p.dram_bandwidth_all / 1e9, p.dram_bandwidth_all / 1e9);
  return out;
}

}  // namespace tilesim

#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace klarna::sandbox {

/// Ways an answer that would have succeeded can go wrong, as a real API and network do.
enum class fault {
  none,
  status_500,
  status_502,
  status_503,
  status_504,
  reset,       // the connection is reset, no response at all
  truncated,   // full Content-Length, half the body, then the connection closes
  malformed,   // 200 whose body is cut in half: not valid JSON, a report cut short
  wrong_shape, // 200 with valid JSON that is not the collection asked for
  slow,        // the answer comes after the client has timed out
};

struct fault_options {
  /// Share of successful answers replaced by a fault (0..1).
  double rate = 0;
  /// The kinds to draw from, uniformly; empty means all of them.
  std::vector<fault> kinds;
  std::uint64_t seed = 1;
};

/// Draws, per request, whether and how its answer fails. Each request draws anew, so
/// a retry of the same page can succeed; the seed makes a run repeatable.
class fault_injector {
public:
  explicit fault_injector(fault_options options);

  /// Thread-safe: the server's threads share the one random sequence.
  fault draw();

  /// "500", "502", "503", "504", "reset", "truncated", "malformed", "wrong_shape",
  /// "slow"; nothing for another name.
  static std::optional<fault> parse(const std::string& name);

  /// Every kind's name, for help texts.
  static std::string names();

private:
  fault_options options_;
  std::mutex mutex_;
  std::mt19937_64 random_;
};

} // namespace klarna::sandbox

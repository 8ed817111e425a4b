#pragma once

#include <string>
#include <vector>

namespace klarna::config {
struct connector_config;
}

namespace klarna::pipeline {

struct stream_definition;

/// Figures of a finished read, for the human summary.
struct read_summary {
  bool all_complete = false;
  std::vector<std::string> streams;
  std::vector<unsigned long long> records;
  unsigned long long requests = 0;
  unsigned long long throttled = 0;
  unsigned long long retries = 0;
  double elapsed_seconds = 0;
  bool output_ok = true;
  std::string output_error;
};

/// Reads `streams` with the actor pipeline (planners, rate governor, fetcher,
/// parsers, emitter) into the Airbyte stdout sink and returns when every stream has
/// ended.
read_summary run_read(const config::connector_config& config,
                      const std::vector<const stream_definition*>& streams);

/// One line for people: records per stream, requests, time, requests per second.
std::string describe(const read_summary& summary);

} // namespace klarna::pipeline

#include "app/sync_report.hpp"

#include "protocol/stream_catalog.hpp"

namespace klarna::app {

std::string grouped(std::uint64_t number) {
  auto digits = std::to_string(number);
  std::string text;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      text += ',';
    text += digits[i];
  }
  return text;
}

std::vector<std::string> describe_sync(const std::string& sink_uri,
                                       const pipeline::sync_plan& plan,
                                       const protocol::read_figures& summary) {
  std::vector<std::string> lines{(summary.all_complete ? "synced into " : "written into ")
                                 + sink_uri + ":"};
  for (std::size_t i = 0; i < plan.streams.size(); ++i) {
    const auto& stream = plan.streams[i];
    auto records = i < summary.records.size() ? summary.records[i] : 0;
    lines.push_back("  " + stream.definition->name + ": " + grouped(records) + " records ("
                    + stream.start.describe() + ")");
  }
  for (const auto& reason : plan.left_out)
    lines.push_back("  left out: " + reason);
  return lines;
}

} // namespace klarna::app

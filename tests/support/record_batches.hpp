#pragma once

// Record batches for tests: what the parser would give for these records.

#include "protocol/record_batch.hpp"

#include <string>
#include <vector>

namespace klarna::testing {

/// A batch of `records` (JSON objects, in order), read at `emitted_at_ms`.
inline protocol::record_batch batch_of(const std::vector<std::string>& records,
                                       std::int64_t emitted_at_ms = 1) {
  protocol::record_batch batch(emitted_at_ms);
  for (const auto& record : records)
    batch.append(record);
  return batch;
}

} // namespace klarna::testing

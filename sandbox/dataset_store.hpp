#pragma once

#include "sandbox/dataset.hpp"

#include <functional>
#include <memory>
#include <mutex>

namespace klarna::sandbox {

/// The dataset being served, which may grow while the server runs: each request
/// reads one snapshot, and growing publishes a new one (requests under way keep
/// theirs), so a listing never changes in the middle of a page.
class dataset_store {
public:
  /// `on_change` runs with every published dataset, the first one included (the
  /// ground truth dump).
  dataset_store(dataset_options options, std::function<void(const dataset&)> on_change);

  std::shared_ptr<const dataset> current() const;

  /// See grow_dataset. Returns the grown dataset.
  std::shared_ptr<const dataset> grow(std::size_t payouts, bool settle_unpaid);

private:
  dataset_options options_;
  std::function<void(const dataset&)> on_change_;
  mutable std::mutex mutex_;
  std::shared_ptr<const dataset> current_;
};

} // namespace klarna::sandbox

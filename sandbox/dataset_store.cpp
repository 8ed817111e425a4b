#include "sandbox/dataset_store.hpp"

namespace klarna::sandbox {

dataset_store::dataset_store(dataset_options options,
                             std::function<void(const dataset&)> on_change)
  : options_(std::move(options)),
    on_change_(std::move(on_change)),
    current_(std::make_shared<const dataset>(generate_dataset(options_))) {
  on_change_(*current_);
}

std::shared_ptr<const dataset> dataset_store::current() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return current_;
}

std::shared_ptr<const dataset> dataset_store::grow(std::size_t payouts, bool settle_unpaid) {
  std::lock_guard<std::mutex> guard(mutex_); // one growth at a time
  auto grown = std::make_shared<dataset>(*current_);
  grow_dataset(*grown, options_, payouts, settle_unpaid);
  on_change_(*grown);
  current_ = grown;
  return current_;
}

} // namespace klarna::sandbox

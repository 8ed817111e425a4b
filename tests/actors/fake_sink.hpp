#pragma once

// A sink for actor tests: it implements the typed sink interface and writes down,
// as one line each, every request it is asked, in order ("write payouts <lines>",
// "close payouts complete"). It fails every write once `fail_writes` is set.

#include "messages/sink_contract.hpp"

#include <caf/fwd.hpp>

#include <memory>
#include <string>
#include <vector>

namespace klarna::testing {

struct sink_requests {
  std::vector<std::string> lines;
  bool fail_writes = false;

  /// The lines that begin with `prefix`, in order.
  std::vector<std::string> starting_with(const std::string& prefix) const;
};

messages::sink_actor spawn_fake_sink(caf::actor_system& system,
                                     std::shared_ptr<sink_requests> requests);

} // namespace klarna::testing

#pragma once

// A sink and reporter in one for actor tests, as Airbyte's output is one: it
// implements both typed interfaces and writes down, as one line each, every request
// and report it gets, in order ("open payouts", "status payouts STARTED full
// refresh", "write payouts <records>", "close payouts complete"). It fails every
// write once `fail_writes` is set.

#include "pipeline/messages/report_contract.hpp"
#include "pipeline/messages/sink_contract.hpp"

#include <caf/fwd.hpp>

#include <memory>
#include <string>
#include <vector>

namespace klarna::testing {

struct output_requests {
  std::vector<std::string> lines;
  bool fail_writes = false;

  /// The lines that begin with `prefix`, in order.
  std::vector<std::string> starting_with(const std::string& prefix) const;
};

using fake_output_actor = messages::sink_actor::extend_with<messages::reporter_actor>;

fake_output_actor spawn_fake_output(caf::actor_system& system,
                                    std::shared_ptr<output_requests> requests);

} // namespace klarna::testing

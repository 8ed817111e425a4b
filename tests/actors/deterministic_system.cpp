#include "actors/deterministic_system.hpp"

#include <caf/atom.hpp>
#include <caf/message_view.hpp>

namespace klarna::testing {

caf::actor deterministic_system::recorder(std::shared_ptr<recording> log) {
  // Known at once: the behavior below runs only when the scheduler first runs it.
  log->recorder = stop_at_end(system_.spawn(record_messages, log));
  return log->recorder;
}

caf::behavior record_messages(caf::event_based_actor* self, std::shared_ptr<recording> log) {
  self->attach_functor([log] {
    log->promises.clear();
    log->recorder = nullptr;
  });
  self->set_default_handler(
    [self, log](caf::scheduled_actor*, caf::message_view& view) -> caf::result<caf::message> {
      log->messages.push_back(view.move_content_to_message());
      log->promises.push_back(self->make_response_promise());
      log->answered.push_back(false);
      return caf::delegated<caf::message>{};
    });
  // Only the test's own work: everything the pipeline sends goes to the default
  // handler above.
  return {[self](recorder_work& work) { work.run(self); }};
}

} // namespace klarna::testing

#include "actors/deterministic_system.hpp"

#include <caf/atom.hpp>
#include <caf/message_view.hpp>

namespace klarna::testing {

caf::behavior record_messages(caf::event_based_actor* self, std::shared_ptr<recording> log) {
  self->set_default_handler(
    [log](caf::scheduled_actor*, caf::message_view& view) -> caf::result<caf::message> {
      log->messages.push_back(view.move_content_to_message());
      return caf::message{};
    });
  // A behavior that matches nothing the pipeline sends: everything goes to the
  // default handler above.
  return {[](caf::atom_constant<caf::atom("never")>) {}};
}

} // namespace klarna::testing

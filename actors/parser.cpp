#include "actors/parser.hpp"

#include "pipeline/messages/pipeline_messages.hpp"
#include "protocol/airbyte_messages.hpp"
#include "pipeline/messages/exception_policy.hpp"

namespace klarna::actors {

namespace {

using namespace klarna::messages;
using namespace klarna::logic;

caf::behavior parse_pages(caf::event_based_actor* self) {
  messages::exit_on_exception(self);
  return {
    [=](fetched_page& fetched) {
      const auto& page = fetched.page;
      try {
        // Payouts carry payout_date, whose latest value an incremental read continues from.
        bool dated = page.definition->incremental == protocol::incremental_by::payout_date;
        page_format format{page.definition->records_key,
                           dated ? page.definition->cursor_field : std::string(),
                           page.definition->key_fields, page.max_records};
        auto parsed = parse_page(fetched.body, format, protocol::now_epoch_ms());
        self->send(page.planner, page_ready{page.listing, page.seq, std::move(parsed)});
      } catch (const page_error& e) {
        // Back to the fetcher, which retries the page.
        self->send(fetched.fetcher, unusable_page{std::move(fetched.page),
                                 std::string("the body is not a valid collection: ") + e.what()});
      }
    },
  };
}

// A class, not a function: CAF 0.17 spawns argument-less function actors through a
// null shared_ptr dereference that UndefinedBehaviorSanitizer rightly reports.
class parser : public caf::event_based_actor {
public:
  using caf::event_based_actor::event_based_actor;

  caf::behavior make_behavior() override { return parse_pages(this); }
};

} // namespace

std::vector<caf::actor> spawn_parsers(caf::actor_system& system, std::size_t count) {
  std::vector<caf::actor> parsers;
  for (std::size_t i = 0; i < count; ++i)
    parsers.push_back(system.spawn<parser>());
  return parsers;
}

} // namespace klarna::actors

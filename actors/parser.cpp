#include "actors/parser.hpp"

#include "pipeline/messages/pipeline_interfaces.hpp"
#include "protocol/airbyte_messages.hpp"
#include "pipeline/messages/exception_policy.hpp"

namespace klarna::actors {

namespace {

using namespace klarna::messages;
using namespace klarna::logic;

parser_actor::behavior_type parse_pages(parser_actor::pointer self) {
  messages::exit_on_exception(self);
  return {
    [=](const fetched_page& fetched) -> parse_outcome {
      const auto& page = fetched.page;
      try {
        // Payouts carry payout_date, whose latest value an incremental read continues from.
        bool dated = page.definition->incremental == protocol::incremental_by::payout_date;
        page_format format{page.definition->records_key,
                           dated ? page.definition->cursor_field : std::string(),
                           page.definition->key_fields, page.max_records};
        return {parse_page(fetched.body, format, protocol::now_epoch_ms()), {}};
      } catch (const page_error& e) {
        // The fetcher retries the page.
        return {std::nullopt, std::string("the body is not a valid collection: ") + e.what()};
      }
    },
  };
}

// A class, not a function: CAF 0.17 spawns argument-less function actors through a
// null shared_ptr dereference that UndefinedBehaviorSanitizer rightly reports.
class parser : public parser_actor::base {
public:
  using parser_actor::base::base;

  behavior_type make_behavior() override { return parse_pages(this); }
};

} // namespace

std::vector<messages::parser_actor> spawn_parsers(caf::actor_system& system, std::size_t count) {
  std::vector<messages::parser_actor> parsers;
  for (std::size_t i = 0; i < count; ++i)
    parsers.push_back(system.spawn<parser>());
  return parsers;
}

} // namespace klarna::actors

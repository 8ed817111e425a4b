#include "actors/parser.hpp"

#include "pipeline/messages/exception_policy.hpp"
#include "protocol/airbyte_messages.hpp"

namespace klarna::actors {

namespace {

using namespace klarna::messages;
using namespace klarna::logic;

parser_actor::behavior_type parse_pages(parser_actor::pointer self, fetcher_actor fetcher) {
  messages::exit_on_exception(self);
  return {
    [=](fetched_page& fetched) -> caf::result<fetch_result> {
      const auto& page = fetched.page;
      try {
        // Payouts carry payout_date, whose latest value an incremental read continues from.
        bool dated = page.definition->incremental == protocol::incremental_by::payout_date;
        page_format format{page.definition->records_key,
                           dated ? page.definition->cursor_field : std::string(),
                           page.definition->key_fields, page.max_records};
        fetch_result result;
        result.parsed = parse_page(fetched.body, format, protocol::now_epoch_ms());
        result.page = std::move(fetched.page);
        return result;
      } catch (const page_error& e) {
        // The fetcher tries the page again and answers the request in the end.
        return self->delegate(fetcher, unusable_page{std::move(fetched.page),
                                                     std::string("the body is not a valid "
                                                                 "collection: ")
                                                       + e.what()});
      }
    },
  };
}

} // namespace

messages::parser_actor spawn_parser(caf::actor_system& system,
                                    const messages::fetcher_actor& fetcher) {
  return system.spawn(parse_pages, fetcher);
}

} // namespace klarna::actors

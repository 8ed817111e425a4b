#pragma once

// What an exception that escapes an actor's handler does: it ends the actor with
// sec::runtime_error and the exception's text as its exit reason, which the read
// pipeline, the supervisor, reports as a system_error. CAF's default handler would also print it to stdout, where only
// Airbyte messages may go. Every actor of the pipeline and every sink sets it first.

#include <caf/error.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/sec.hpp>

#include <exception>
#include <string>

namespace klarna::messages {

inline void exit_on_exception(caf::scheduled_actor* self) {
  self->set_exception_handler([](caf::scheduled_actor*, std::exception_ptr& thrown) -> caf::error {
    try {
      std::rethrow_exception(thrown);
    } catch (const std::exception& e) {
      return caf::make_error(caf::sec::runtime_error, std::string(e.what()));
    } catch (...) {
      return caf::make_error(caf::sec::runtime_error, std::string("an unknown exception"));
    }
  });
}

} // namespace klarna::messages

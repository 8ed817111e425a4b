#pragma once

// Actor tests on CAF 0.17's test coordinator: one thread, messages delivered only
// when the test runs the scheduler, timeouts only when it triggers them, so every
// run of a test sees the same interleaving.

#include <caf/actor_cast.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/actor_clock.hpp>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/message.hpp>
#include <caf/response_promise.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace klarna::testing {

struct recording;

class deterministic_system {
public:
  deterministic_system() : system_(configure(config_)),
      scheduler_(dynamic_cast<caf::scheduler::test_coordinator&>(system_.scheduler())) {
    // Actors of a test live until the system goes; nothing else would stop them on a
    // scheduler that only runs when the test says so.
    system_.await_actors_before_shutdown(false);
  }

  // Stops the actors under test first: CAF's test coordinator runs every pending
  // timeout at shutdown, and an actor with a periodic timer would never let it end.
  ~deterministic_system() {
    for (const auto& actor : stopped_at_end_)
      caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    run();
  }

  caf::actor_system& system() { return system_; }

  /// `actor`, to be stopped when the test ends.
  template <class Handle>
  Handle stop_at_end(Handle actor) {
    stopped_at_end_.push_back(caf::actor_cast<caf::actor>(actor));
    return actor;
  }

  /// A recorder (record_messages) that keeps what it gets in `log`, stopped when
  /// the test ends.
  caf::actor recorder(std::shared_ptr<recording> log);

  /// Delivers every message until no actor has one left (timeouts do not fire).
  void run() {
    while (scheduler_.try_run_once()) {
    }
  }

  /// Moves the virtual clock to the earliest pending timeout (a delayed message)
  /// and fires it; false when none is pending.
  bool fire_next_timeout() { return scheduler_.trigger_timeout(); }

  /// The virtual clock, which actors read through their clock().
  caf::actor_clock::time_point now() { return system_.clock().now(); }

private:
  static caf::actor_system_config& configure(caf::actor_system_config& config) {
    config.set("scheduler.policy", caf::atom("testing"));
    config.set("logger.file-verbosity", caf::atom("quiet"));
    return config;
  }

  caf::actor_system_config config_;
  caf::actor_system system_;
  caf::scheduler::test_coordinator& scheduler_;
  std::vector<caf::actor> stopped_at_end_;
};

/// Work for a recorder to run in its own context (a response promise can be kept
/// only by the actor that made it, and a request's answer goes to who asked).
struct recorder_work {
  std::function<void(caf::event_based_actor*)> run;
};

/// Everything an actor sent to a recorder, in arrival order. A request is not
/// answered until the test answers it (answer()).
struct recording {
  /// The recorder that keeps this log.
  caf::actor recorder;
  std::vector<caf::message> messages;
  /// Beside each message: where its answer goes, and whether it was given.
  std::vector<caf::response_promise> promises;
  std::vector<bool> answered;

  /// Keeps `message` as if it had arrived (an answer a stand-in actor received).
  void keep(caf::message message) {
    messages.push_back(std::move(message));
    promises.emplace_back();
    answered.push_back(true);
  }

  /// Has the recorder answer every request holding one T for which `which(request)`
  /// holds and that is not answered yet, in order, with `reply(request)` (delivered
  /// when the test runs the scheduler).
  template <class T, class Which, class Reply>
  void answer_if(Which which, Reply reply) {
    caf::anon_send(recorder, recorder_work{[this, which, reply](caf::event_based_actor*) {
                     for (std::size_t i = 0; i < messages.size(); ++i) {
                       if (answered[i] || !messages[i].match_elements<T>()
                           || !which(messages[i].template get_as<T>(0)))
                         continue;
                       answered[i] = true;
                       promises[i].deliver(reply(messages[i].template get_as<T>(0)));
                     }
                   }});
  }

  /// The same for every request holding one T.
  template <class T, class Reply>
  void answer(Reply reply) {
    answer_if<T>([](const T&) { return true; }, std::move(reply));
  }

  /// Has the recorder send `request` to `to` as a request (delivered when the test
  /// runs the scheduler): `on_answer` gets its Answer when it comes; an error, and
  /// anything the asked actor sends the recorder meanwhile, is kept in the log.
  template <class Answer, class Handle, class Request, class OnAnswer>
  void ask(const Handle& to, Request request, OnAnswer on_answer) {
    auto log = this;
    caf::anon_send(recorder, recorder_work{[=](caf::event_based_actor* self) {
                     self->request(to, caf::infinite, request)
                       .then([=](Answer& answer) { on_answer(answer); },
                             [=](caf::error& error) { log->keep(caf::make_message(error)); });
                   }});
  }

  /// As above, with the answer kept in the log.
  template <class Answer, class Handle, class Request>
  void ask(const Handle& to, Request request) {
    auto log = this;
    ask<Answer>(to, std::move(request),
                [log](Answer& answer) { log->keep(caf::make_message(std::move(answer))); });
  }

  /// The messages that hold exactly one T, in order.
  template <class T>
  std::vector<T> all() const {
    std::vector<T> found;
    for (const auto& message : messages)
      if (message.match_elements<T>())
        found.push_back(message.get_as<T>(0));
    return found;
  }

  template <class T>
  std::size_t count() const {
    return all<T>().size();
  }
};

/// An actor that keeps every message it gets in `log` and answers a request only
/// when the test does. When it stops it lets go of the requests it kept, whose
/// answers would hold it alive.
caf::behavior record_messages(caf::event_based_actor* self, std::shared_ptr<recording> log);

} // namespace klarna::testing

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(klarna::testing::recorder_work)

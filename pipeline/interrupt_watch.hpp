#pragma once

#include <functional>
#include <memory>

namespace klarna::pipeline {

/// Turns SIGINT and SIGTERM into a callback on a thread of its own, for as long as
/// it lives. Construct it before any other thread starts (CAF's scheduler, curl's
/// I/O thread): it blocks the two signals in the calling thread, and threads
/// started later inherit that, so the signals reach only the watcher. A second
/// signal while the first is being handled ends the process at once (exit status
/// 128 + signal), as users expect of a second Ctrl-C.
class interrupt_watch {
public:
  explicit interrupt_watch(std::function<void(int signal)> on_interrupt);
  ~interrupt_watch();

  interrupt_watch(const interrupt_watch&) = delete;
  interrupt_watch& operator=(const interrupt_watch&) = delete;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace klarna::pipeline

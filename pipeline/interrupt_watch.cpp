#include "pipeline/interrupt_watch.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <thread>

namespace klarna::pipeline {

struct interrupt_watch::impl {
  sigset_t signals{};
  sigset_t previous_mask{};
  int signal_fd = -1;
  int stop_fd = -1;
  /// Set before stop_fd is written; the thread also looks at it every poll timeout,
  /// so it ends (and is joined) even if that write failed.
  std::atomic<bool> stopping{false};
  std::thread thread;

  void watch(const std::function<void(int)>& on_interrupt) {
    bool interrupted = false;
    pollfd fds[2] = {{signal_fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
    constexpr int poll_timeout_ms = 250;
    while (!stopping.load()) {
      if (poll(fds, 2, poll_timeout_ms) <= 0)
        continue; // EINTR or the timeout
      if (fds[1].revents & POLLIN)
        return;
      signalfd_siginfo info{};
      if (!(fds[0].revents & POLLIN) || read(signal_fd, &info, sizeof info) != sizeof info)
        continue;
      int number = static_cast<int>(info.ssi_signo);
      if (interrupted)
        _exit(128 + number);
      interrupted = true;
      on_interrupt(number);
    }
  }
};

interrupt_watch::interrupt_watch(std::function<void(int)> on_interrupt)
  : impl_(std::make_unique<impl>()) {
  sigemptyset(&impl_->signals);
  sigaddset(&impl_->signals, SIGINT);
  sigaddset(&impl_->signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &impl_->signals, &impl_->previous_mask);
  impl_->signal_fd = signalfd(-1, &impl_->signals, SFD_CLOEXEC);
  impl_->stop_fd = eventfd(0, EFD_CLOEXEC);
  if (impl_->signal_fd < 0 || impl_->stop_fd < 0) {
    pthread_sigmask(SIG_SETMASK, &impl_->previous_mask, nullptr);
    throw std::runtime_error("cannot watch for SIGINT and SIGTERM");
  }
  impl_->thread = std::thread([this, on_interrupt = std::move(on_interrupt)] {
    impl_->watch(on_interrupt);
  });
}

interrupt_watch::~interrupt_watch() {
  impl_->stopping.store(true);
  std::uint64_t one = 1;
  // Wakes the thread at once; if the write fails, the poll timeout does it.
  [[maybe_unused]] auto written = write(impl_->stop_fd, &one, sizeof one);
  impl_->thread.join();
  close(impl_->signal_fd);
  close(impl_->stop_fd);
  pthread_sigmask(SIG_SETMASK, &impl_->previous_mask, nullptr);
}

} // namespace klarna::pipeline

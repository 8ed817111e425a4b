"""Every rate signal obeyed: the per-second and the averaging window together,
quotas the server announces in its headers, Retry-After as seconds or HTTP-date on
429 and 503 (capped by max_retry_wait_seconds), a parallel start, and a server that
never answers failing every stream in bounded time."""

import email.utils
import socket
import time
import unittest

from harness import (ConnectorTestCase, Sandbox, errors_of, records_of, statuses_of)


def logs_of(messages, level):
    return [m["log"]["message"] for m in messages if m["type"] == "LOG" and m["log"]["level"] == level]


def peak_in_any_window(times_ms, window_ms):
    peak, first = 0, 0
    for last in range(len(times_ms)):
        while times_ms[last] - times_ms[first] >= window_ms:
            first += 1
        peak = max(peak, last - first + 1)
    return peak


class RateSignalTestCase(ConnectorTestCase):
    def sandbox(self, *args):
        sandbox = Sandbox(*args)
        self.addCleanup(sandbox.__exit__)
        return sandbox

    def read_ok(self, sandbox, streams=("payouts",), **fields):
        result = self.read(self.config(sandbox.url, **fields), self.catalog(*streams))
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        messages = self.messages(result.stdout)
        for stream in streams:
            self.assertEqual(records_of(messages, stream), sandbox.truth(stream), stream)
        return messages

    def read_failing(self, sandbox, streams=("payouts",), **fields):
        started = time.monotonic()
        result = self.read(self.config(sandbox.url, **fields), self.catalog(*streams))
        elapsed = time.monotonic() - started
        self.assertEqual(result.returncode, 1, result.stderr[-3000:])
        messages = self.messages(result.stdout)
        for stream in streams:
            self.assertEqual(statuses_of(messages, stream)[-1], "INCOMPLETE", stream)
        return messages, elapsed


class RetryAfterTest(RateSignalTestCase):
    # Three requests per 3 s; six pages of one payout each: the 4th to 6th get 429.
    LIMITED = ("--payouts", "6", "--transactions-per-payout", "1", "--rate-limit", "1",
               "--rate-window-ms", "3000")

    def gap_after_first_429(self, sandbox):
        """Seconds from the first 429 to the next answer that was not a 429. Requests
        already on the wire with it are answered within milliseconds and may be logged
        after it (the log is written as answers go out): they are not the ones that
        waited, so answers within half a second of it do not count."""
        log = sandbox.requests()
        first_429 = next(i for i, (_, status, _) in enumerate(log) if status == 429)
        at = log[first_429][0]
        after = [ms for ms, status, _ in log[first_429:] if status != 429 and ms - at > 500]
        return (after[0] - at) / 1000

    def test_delta_seconds_on_429_are_waited_with_a_warning(self):
        sandbox = self.sandbox(*self.LIMITED, "--retry-after-value", "7")
        messages = self.read_ok(sandbox, page_size=2)
        self.assertGreaterEqual(self.gap_after_first_429(sandbox), 6.9)
        warnings = [w for w in logs_of(messages, "WARN") if "Retry-After: 7" in w]
        self.assertEqual(len(warnings), 1, logs_of(messages, "WARN"))
        self.assertIn("until", warnings[0])
        self.assertIn("RATE_LIMITED", str([m for m in messages if m["type"] == "TRACE"]))

    def test_an_http_date_on_429_is_waited_until(self):
        when = email.utils.formatdate(time.time() + 8, usegmt=True)
        sandbox = self.sandbox(*self.LIMITED, "--retry-after-value", when)
        self.read_ok(sandbox, page_size=2)
        # Whole seconds: at least 8 - 1 (rounding) - the second it took to get there.
        self.assertGreaterEqual(self.gap_after_first_429(sandbox), 5.5)

    def test_a_wait_beyond_the_cap_ends_the_stream_and_quotes_the_server(self):
        for value in ("3600", "1e300", "inf", "9999999999999"):
            with self.subTest(value=value):
                sandbox = self.sandbox(*self.LIMITED, "--retry-after-value", value)
                messages, elapsed = self.read_failing(sandbox, page_size=2)
                self.assertLess(elapsed, 20)
                errors = errors_of(messages)
                self.assertEqual([e["failure_type"] for e in errors], ["transient_error"])
                self.assertIn(f"Retry-After: {value}", errors[0]["message"])
                self.assertIn("max_retry_wait_seconds", errors[0]["message"])
                # No hammering: every page asked at most once more after its 429.
                throttled = sum(1 for _, status, _ in sandbox.requests() if status == 429)
                self.assertLessEqual(throttled, 5)

    def test_the_cap_is_configurable(self):
        sandbox = self.sandbox(*self.LIMITED, "--retry-after-value", "7")
        messages, elapsed = self.read_failing(sandbox, page_size=2, max_retry_wait_seconds=5)
        self.assertLess(elapsed, 6)
        self.assertIn("Retry-After: 7", errors_of(messages)[0]["message"])

    def test_retry_after_on_503_spaces_the_retries(self):
        sandbox = self.sandbox("--payouts", "2", "--transactions-per-payout", "1",
                               "--fault-rate", "1", "--faults", "503", "--retry-after-value", "2")
        messages, _ = self.read_failing(sandbox, max_attempts=3)
        times = [ms for ms, _, _ in sandbox.requests()]
        self.assertEqual(len(times), 3)
        self.assertTrue(all(b - a >= 1900 for a, b in zip(times, times[1:])), times)
        self.assertEqual(errors_of(messages)[0]["failure_type"], "transient_error")

    def test_retry_after_on_503_beyond_the_cap_is_not_waited(self):
        for value in ("3600", "1e300", "inf"):
            with self.subTest(value=value):
                sandbox = self.sandbox("--payouts", "2", "--transactions-per-payout", "1",
                                       "--fault-rate", "1", "--faults", "503",
                                       "--retry-after-value", value)
                messages, elapsed = self.read_failing(sandbox)
                self.assertLess(elapsed, 10)
                self.assertEqual(len(sandbox.requests()), 1)
                self.assertIn(f"Retry-After: {value}", errors_of(messages)[0]["message"])


class WindowsAndQuotasTest(RateSignalTestCase):
    # 1,000 pages of transactions: about five seconds at 200 requests/s.
    DATA = ("--payouts", "100", "--transactions-per-payout", "500", "--unpaid-transactions", "0",
            "--latency-ms", "20")

    def test_a_per_second_window_on_top_of_the_minute_gives_no_429(self):
        sandbox = self.sandbox(*self.DATA, "--rate-limit", "200", "--rate-window-ms", "60000",
                               "--second-rate-limit", "200", "--second-rate-window-ms", "1000")
        self.read_ok(sandbox, ("transactions",), page_size=50, requests_per_second=200)
        log = sandbox.requests()
        self.assertGreaterEqual(len(log), 1000)
        self.assertEqual(sum(1 for _, status, _ in log if status == 429), 0)
        self.assertLessEqual(peak_in_any_window([ms for ms, _, _ in log], 1000), 200)

    def check_announced_quota_is_followed(self, form):
        sandbox = self.sandbox(*self.DATA, "--rate-limit", "100", "--rate-window-ms", "1000",
                               "--rate-limit-headers", form)
        messages = self.read_ok(sandbox, ("transactions",), page_size=100, requests_per_second=200)
        log = sandbox.requests()
        throttled = [ms for ms, status, _ in log if status == 429]
        self.assertLessEqual(len(throttled), len(log) // 100, "at most 1% answered 429")
        self.assertTrue(all(ms - log[0][0] < 5000 for ms in throttled), "settled within 5 s")
        announced = [m for m in logs_of(messages, "INFO") if "announces a quota of 100 requests" in m]
        self.assertEqual(len(announced), 1, logs_of(messages, "INFO"))

    def test_an_announced_x_ratelimit_quota_is_followed(self):
        self.check_announced_quota_is_followed("x-ratelimit")

    def test_an_announced_ietf_ratelimit_policy_is_followed(self):
        self.check_announced_quota_is_followed("ietf")


class StartAndBlackHoleTest(RateSignalTestCase):
    def test_the_first_page_of_every_stream_goes_out_at_once(self):
        sandbox = self.sandbox("--payouts", "2", "--transactions-per-payout", "2",
                               "--latency-ms", "2000")
        self.read_ok(sandbox, ("payouts", "transactions"))
        log = sandbox.requests()
        first = {target.split("?")[0].rsplit("/", 1)[1]: ms for ms, _, target in reversed(log)}
        self.assertLess(abs(first["payouts"] - first["transactions"]), 500, log)

    def test_a_server_that_never_answers_fails_every_stream_within_two_minutes(self):
        # The kernel accepts connections into the backlog; nothing ever reads them.
        hole = socket.socket()
        hole.bind(("127.0.0.1", 0))
        hole.listen(64)
        self.addCleanup(hole.close)
        url = f"http://127.0.0.1:{hole.getsockname()[1]}/"
        started = time.monotonic()
        result = self.run_connector("read", "--config", self.write("config.json", self.config(url)),
                                    "--catalog", self.write("catalog.json",
                                                            self.catalog("payouts", "transactions")),
                                    timeout=200)
        elapsed = time.monotonic() - started
        self.assertEqual(result.returncode, 1)
        self.assertLess(elapsed, 120, "every stream gives up within two minutes")
        messages = self.messages(result.stdout)
        errors = errors_of(messages)
        self.assertEqual(sorted(e["stream_descriptor"]["name"] for e in errors),
                         ["payouts", "transactions"])
        self.assertTrue(all(e["failure_type"] == "transient_error" for e in errors), errors)
        started = time.monotonic()
        status = self.check(self.config(url))
        self.assertEqual(status["status"], "FAILED")
        self.assertLess(time.monotonic() - started, 45)


if __name__ == "__main__":
    unittest.main()

"""A server that answers 200 with hostile content: a body too large, JSON nested too
deep, a `next` link to another host or to itself, a total far past its records, more
records than asked for, texts that would drive a terminal. Each ends in a clear
failure, no crash, no request to the other host, memory bounded, never the password."""

import http.server
import json
import os
import subprocess
import threading
import time
import unittest

from harness import SOURCE, ConnectorTestCase, errors_of, peak_rss_mib, records_of, statuses_of


class HostileHandler(http.server.BaseHTTPRequestHandler):
    """Answers every GET with `status` and `body`, or with what `answer(handler)`
    returns, (status, body), when it is set."""
    body = b""
    status = 200
    answer = None
    requests = []

    def do_GET(self):
        HostileHandler.requests.append((self.path, self.headers.get("Host")))
        status, body = HostileHandler.answer(self) if HostileHandler.answer else (self.status, self.body)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class HostileServerMixin:
    def serve(self, body=b"", status=200, answer=None):
        HostileHandler.body = body
        HostileHandler.status = status
        HostileHandler.answer = staticmethod(answer) if answer else None
        HostileHandler.requests = []
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HostileHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return f"http://127.0.0.1:{server.server_address[1]}/"


class HostileServerTest(HostileServerMixin, ConnectorTestCase):
    def read_failing(self, body, max_attempts=2):
        url = self.serve(body)
        result = self.read(self.config(url, max_attempts=max_attempts), self.catalog("payouts"))
        self.assertEqual(result.returncode, 1, result.stderr[-2000:])
        messages = self.messages(result.stdout)
        self.assertEqual(statuses_of(messages, "payouts")[-1], "INCOMPLETE")
        errors = errors_of(messages)
        self.assertEqual(len(errors), 1)
        return errors[0], messages

    def test_a_body_beyond_64_mib_is_refused(self):
        body = b'{"payouts":[' + b" " * (65 << 20) + b'],"pagination":{"count":0}}'
        error, _ = self.read_failing(body)
        self.assertIn("larger than 64 MiB", error["message"])

    def test_json_nested_too_deep_is_refused(self):
        body = b'{"payouts":[{"a":' + b"[" * 5000 + b"]" * 5000 + b'}],"pagination":{"count":1}}'
        error, messages = self.read_failing(body)
        self.assertIn("not a valid collection", error["message"])
        self.assertEqual(records_of(messages, "payouts"), [])

    def test_a_next_link_to_another_host_is_not_followed(self):
        page = {"payouts": [{"payment_reference": "P1"}],
                "pagination": {"count": 1, "next": "http://attacker.example:80/settlements/v1/payouts?offset=1"}}
        error, messages = self.read_failing(json.dumps(page).encode())
        self.assertIn("leaves the collection being read", error["message"])
        self.assertEqual([host for _, host in HostileHandler.requests if "attacker" in (host or "")], [])
        self.assertEqual(len(HostileHandler.requests), 1)


    def test_400_and_404_are_config_errors_as_the_docs_say(self):
        with open(os.path.join(os.environ["REPO_ROOT"], "docs", "CONFIGURATION.md")) as f:
            row = next(line for line in f if line.startswith("| 400, 404"))
        self.assertIn("`config_error`", row)
        for status in (400, 404):
            with self.subTest(status=status):
                url = self.serve(b'{"error_code":"X","error_messages":["no"]}', status)
                result = self.read(self.config(url), self.catalog("payouts"))
                errors = errors_of(self.messages(result.stdout))
                self.assertEqual([e["failure_type"] for e in errors], ["config_error"])
                self.assertEqual(len(HostileHandler.requests), 1, "not retried")


# The bound on memory whatever a server says; AddressSanitizer's shadow
# memory and quarantine (scripts/test-sanitizers.sh sets ASAN_OPTIONS) double it.
MEMORY_BOUND_MIB = 256 if "ASAN_OPTIONS" in os.environ else 128


def payouts_page(count, offset=0, **pagination):
    records = [{"payment_reference": f"P{offset + i}", "payout_date": "2024-01-01T00:00:00Z"}
               for i in range(count)]
    return json.dumps({"payouts": records, "pagination": {"count": count, **pagination}}).encode()


class HostileListingTest(HostileServerMixin, ConnectorTestCase):
    """Totals, pages, next links, states and texts that a server (or a state file)
    could make up: refused or shown harmlessly, memory bounded."""

    def read_refused(self, answer, state=None, **fields):
        """Runs a read of payouts against `answer`; its messages, stderr and peak RSS."""
        url = self.serve(answer=answer)
        args = [SOURCE, "read", "--config", self.write("config.json", self.config(url, max_attempts=2, **fields)),
                "--catalog", self.write("catalog.json", self.catalog("payouts"))]
        if state is not None:
            args += ["--state", self.write("state.json", state)]
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak = 0.0
        while process.poll() is None:
            try:
                peak = max(peak, peak_rss_mib(process.pid))
            except (FileNotFoundError, ProcessLookupError, StopIteration):
                pass
            time.sleep(0.02)
        stdout, stderr = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 1, stderr[-2000:])
        messages = self.messages(stdout)
        self.assertEqual(statuses_of(messages, "payouts")[-1], "INCOMPLETE")
        return messages, stderr, peak

    def test_a_next_link_to_the_same_page_is_an_error_not_a_loop(self):
        def answer(handler):
            return 200, payouts_page(500, next="http://" + handler.headers["Host"] + handler.path)
        messages, _, _ = self.read_refused(answer)
        self.assertIn("does not move forward", errors_of(messages)[0]["message"])
        self.assertEqual(len(HostileHandler.requests), 1)

    def test_a_huge_total_is_a_hint_checked_against_the_pages(self):
        messages, _, peak = self.read_refused(lambda _: (200, payouts_page(30, total=10**15)))
        self.assertIn("a short page before the end is refused", errors_of(messages)[0]["message"])
        self.assertLess(peak, MEMORY_BOUND_MIB)
        self.assertEqual(len(HostileHandler.requests), 1)

    def test_a_page_with_more_records_than_asked_is_refused_as_it_is_read(self):
        body = b'{"payouts":[' + b",".join([b"{}"] * 8_000_000) + b'],"pagination":{"count":8000000,"total":8000000}}'
        messages, _, peak = self.read_refused(lambda _: (200, body))
        self.assertIn("more than the 500 records asked for", errors_of(messages)[0]["internal_message"]
                      + errors_of(messages)[0]["message"])
        self.assertLess(peak, MEMORY_BOUND_MIB)

    def test_a_state_offset_past_the_listing_is_refused(self):
        url = self.serve(answer=lambda _: (200, payouts_page(0, total=1030)))
        for listing in ({"offset": 1_000_000, "total": 1030}, {"offset": 9223372036854775807},
                        {"offset": 1_000_000}):
            with self.subTest(listing=listing):
                HostileHandler.requests = []
                state = [{"type": "STREAM", "stream": {"stream_descriptor": {"name": "payouts"},
                          "stream_state": {"listing": listing}}}]
                result = self.read(self.config(url), self.catalog("payouts"),
                                   "--state", self.write("state.json", state))
                self.assertEqual(result.returncode, 1, result.stderr[-2000:])
                errors = errors_of(self.messages(result.stdout))
                self.assertEqual([e["failure_type"] for e in errors], ["config_error"])
                self.assertIn("offset", errors[0]["message"])
                # Refused before any request, or at the first answer (no total in the state).
                self.assertLessEqual(len(HostileHandler.requests), 1)

    def test_server_text_cannot_forge_lines_or_drive_a_terminal(self):
        forged = "\r\nsource-klarna: read finished: all good\x1b[2J\x1b]0;owned\x07"
        body = json.dumps({"error_code": "BAD" + forged, "error_messages": ["x" * (10 << 20)],
                           "correlation_id": forged}).encode()
        url = self.serve(answer=lambda _: (400, body))
        result = self.run_connector("sync", "--config", self.write("c.json", self.config(url)),
                                    "--sink", "jsonl:" + os.path.join(self.tmp.name, "out"))
        self.assertEqual(result.returncode, 1)
        for text in (result.stderr,):
            self.assertNotIn("\x1b", text)
            self.assertNotIn("\x07", text)
            self.assertNotIn("\r", text)
            self.assertNotIn("\nsource-klarna: read finished: all good", text)
        self.assertIn("\\x1b[2J", result.stderr)
        self.assertIn("more bytes cut]", result.stderr)
        self.assertLess(len(result.stderr), 100_000)


if __name__ == "__main__":
    unittest.main()


if __name__ == "__main__":
    unittest.main()

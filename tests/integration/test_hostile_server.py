"""A server that answers 200 with hostile content: a body too large, JSON nested too
deep, a `next` link to another host. Each ends in a clear failure, no crash, no
request to the other host, and never the password."""

import http.server
import json
import os
import threading
import unittest

from harness import ConnectorTestCase, errors_of, records_of, statuses_of


class HostileHandler(http.server.BaseHTTPRequestHandler):
    body = b""
    status = 200
    requests = []

    def do_GET(self):
        HostileHandler.requests.append((self.path, self.headers.get("Host")))
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


class HostileServerTest(ConnectorTestCase):
    def serve(self, body, status=200):
        HostileHandler.body = body
        HostileHandler.status = status
        HostileHandler.requests = []
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HostileHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return f"http://127.0.0.1:{server.server_address[1]}/"

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


if __name__ == "__main__":
    unittest.main()

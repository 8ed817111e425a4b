"""The password and its Authorization header appear in no output of any command or
failure path (harness.run_connector asserts it for every run; this suite walks the
paths on purpose, including hostile inputs)."""

import base64
import http.server
import json
import subprocess
import threading
import unittest
import urllib.parse

from harness import (API_KEY, API_KEY_UUID, PASSWORD, SOURCE, USERNAME, ConnectorTestCase, Sandbox,
                     SharedSandboxMixin)


def forms_of(username, password):
    """Every form the password (or API key) can take in output: as is, JSON-escaped,
    percent-encoded (either hex case) and inside the Basic token (with no username the
    key is the header's token itself)."""
    escaped = json.dumps(password, ensure_ascii=False)[1:-1]
    encoded = urllib.parse.quote(password, safe="")
    forms = {password, escaped, encoded, encoded.lower()}
    if username:
        forms.add(base64.b64encode(f"{username}:{password}".encode()).decode())
    return forms


def decoded_credentials(authorization):
    """What a server reads from a Basic Authorization header: username:password, or
    the API key itself when the token is not base64."""
    token = authorization.split(" ", 1)[-1]
    try:
        return base64.b64decode(token, validate=True).decode("utf-8", "replace")
    except ValueError:
        return token


class EchoHandler(http.server.BaseHTTPRequestHandler):
    """A server that answers 400 and echoes what it received: the Authorization header
    and the credentials it decodes from it."""

    def do_GET(self):
        authorization = self.headers.get("Authorization", "")
        decoded = decoded_credentials(authorization)
        body = json.dumps({"error_code": "BAD_VALUE",
                           "error_messages": [f"you sent {authorization}", f"that is {decoded}",
                                              urllib.parse.quote(decoded)]}).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class PasswordNeverPrintedTest(SharedSandboxMixin, ConnectorTestCase):
    SANDBOX_ARGS = ("--payouts", "4", "--transactions-per-payout", "20", "--unpaid-transactions", "5")

    def run_all(self, config):
        # Few attempts: the failure paths matter here, not how long retries go on.
        config_path = self.write("config.json", {"max_attempts": 2, **config})
        catalog_path = self.write("catalog.json", self.catalog("payouts", "transactions"))
        results = [self.run_connector("check", "--config", config_path),
                   self.run_connector("discover", "--config", config_path),
                   self.run_connector("read", "--config", config_path, "--catalog", catalog_path)]
        return results

    def test_every_command_succeeding(self):
        self.assertTrue(all(r.returncode == 0 for r in self.run_all(self.config(self.sandbox.url))))
        self.assertEqual(self.run_connector("spec").returncode, 0)

    def test_every_command_with_the_password_where_it_does_not_belong(self):
        bad_configs = [
            # Credentials in the URL are refused without echoing them.
            self.config(f"https://{USERNAME}:{PASSWORD}@api.example.com/"),
            self.config(f"http://{USERNAME}:{PASSWORD}@127.0.0.1:9/"),
            # A password of the wrong type, and a wrong password for the right user.
            {**self.config(self.sandbox.url), "password": [PASSWORD]},
            self.config(self.sandbox.url, password=PASSWORD + "x"),
            # Unreachable and unresolvable hosts: curl's error texts.
            self.config("http://127.0.0.1:9/"),
            self.config("https://no-such-host.invalid/"),
            # An unknown field that holds the password is named, not echoed.
            {**self.config(self.sandbox.url), "secret_" + PASSWORD: PASSWORD},
            # The API key: wrong for this UUID, in a URL, in the username field, made for
            # the other environment, and as an unknown field's name.
            self.config(self.sandbox.url, username=API_KEY_UUID + "x", password=API_KEY),
            self.config(f"https://{API_KEY}@api.example.com/", username=None, password=API_KEY),
            self.config(self.sandbox.url, username=API_KEY, password=API_KEY),
            self.config(None, username=None, password=API_KEY),
            {**self.config(self.sandbox.url, username=None, password=API_KEY), "x_" + API_KEY: 1},
        ]
        for config in bad_configs:
            with self.subTest(config=list(config)):
                for result in self.run_all(config):
                    self.assertIn(result.returncode, (0, 1))

    def test_a_config_that_is_not_json_around_the_password(self):
        path = self.write("config.json", '{"region": "eu", "username": "u", "password": "' + PASSWORD)
        result = self.run_connector("check", "--config", path)
        status = [m for m in self.messages(result.stdout) if m["type"] == "CONNECTION_STATUS"]
        self.assertEqual(status[0]["connectionStatus"]["status"], "FAILED")
        self.assertIn("not valid JSON", status[0]["connectionStatus"]["message"])



class PasswordFormsTest(ConnectorTestCase):
    PASSWORDS = ['quo"te-Pw-1', 'back\\slash-Pw-2', "ünïcødé-Pw-3", "z9#", 'a"\\b']

    def assert_no_form(self, result, username, password):
        for name, text in (("stdout", result.stdout), ("stderr", result.stderr)):
            for form in forms_of(username, password):
                self.assertNotIn(form, text, f"a form of the password leaked to {name}")

    def run_commands(self, config):
        path = self.write("forms.json", config)
        catalog = self.write("catalog.json", self.catalog("payouts"))
        # run_connector's own checks are for the shared PASSWORD; these use their own.
        return [subprocess.run([SOURCE, *args], capture_output=True, text=True, timeout=120)
                for args in (["check", "--config", path], ["discover", "--config", path],
                             ["read", "--config", path, "--catalog", catalog])]

    def test_each_form_of_a_hard_password_is_redacted(self):
        for password in self.PASSWORDS:
            with self.subTest(password=password):
                with Sandbox("--payouts", "2", "--transactions-per-payout", "1",
                             password=password + "-not") as sandbox:
                    # A wrong password (the server's is another) and the password as an
                    # unknown field's name: both make messages about it.
                    config = {**self.config(sandbox.url, password=password, max_attempts=1),
                              "x_" + password: 1}
                    for result in self.run_commands(config):
                        self.assert_no_form(result, USERNAME, password)

    def echo_server(self):
        """The URL of an EchoHandler server that runs until the test ends."""
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    def test_a_server_echoing_the_basic_token_is_redacted(self):
        url = self.echo_server()
        for password in self.PASSWORDS:
            with self.subTest(password=password):
                results = self.run_commands(self.config(url, password=password, max_attempts=1))
                for result in results:
                    self.assert_no_form(result, USERNAME, password)
                # The echo did reach the output, redacted.
                self.assertIn("you sent Basic ****", results[0].stdout)

    def test_a_server_echoing_the_api_key_header_is_redacted(self):
        url = self.echo_server()
        for username in (None, API_KEY_UUID):
            with self.subTest(username=username):
                results = self.run_commands(self.config(url, username=username, password=API_KEY,
                                                        max_attempts=1))
                for result in results:
                    self.assert_no_form(result, username, API_KEY)
                self.assertIn("you sent Basic ****", results[0].stdout)


if __name__ == "__main__":
    unittest.main()

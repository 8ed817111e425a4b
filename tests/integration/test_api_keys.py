"""Klarna's credentials: an API key alone (`Authorization: Basic <key>`), the key with
the UUID shown when it was created (HTTP Basic of `<UUID>:<key>`), and the older
username and password. The sandbox accepts exactly those header values, so a
command that succeeds has sent the documented form."""

import json
import os
import unittest

import jsonschema

from harness import (API_KEY, API_KEY_UUID, PASSWORD, USERNAME, ConnectorTestCase,
                     SharedSandboxMixin)

LIVE_KEY = "klarna_live_api_Lv-8c2a-NEVER-PRINT"


class ApiKeyTest(SharedSandboxMixin, ConnectorTestCase):
    SANDBOX_ARGS = ("--payouts", "6", "--transactions-per-payout", "30", "--unpaid-transactions", "10")

    FORMS = {
        "API key alone": {"username": None, "password": API_KEY},
        "UUID and API key": {"username": API_KEY_UUID, "password": API_KEY},
        "username and password": {"username": USERNAME, "password": PASSWORD},
    }

    def records(self, result, stream):
        return [m["record"]["data"] for m in self.messages(result.stdout)
                if m["type"] == "RECORD" and m["record"]["stream"] == stream]

    def trace_errors(self, result):
        return [m["trace"]["error"] for m in self.messages(result.stdout)
                if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"]

    def test_check_read_and_sync_with_each_credential_form(self):
        for form, credentials in self.FORMS.items():
            with self.subTest(form=form):
                config = self.config(self.sandbox.url, **credentials)
                self.assertEqual(self.check(config)["status"], "SUCCEEDED")
                read = self.read(config, self.catalog("payouts", "transactions"))
                self.assertEqual(read.returncode, 0, read.stderr)
                for stream in ("payouts", "transactions"):
                    self.assertEqual(self.records(read, stream), self.sandbox.truth(stream), stream)
                directory = os.path.join(self.tmp.name, form.replace(" ", "-"))
                sync = self.run_connector("sync", "--config", self.write("sync.json", config),
                                          "--sink", "jsonl:" + directory, "--full-refresh")
                self.assertEqual(sync.returncode, 0, sync.stderr)
                with open(os.path.join(directory, "payouts.jsonl"), encoding="utf-8") as f:
                    self.assertEqual([json.loads(line) for line in f], self.sandbox.truth("payouts"))

    def test_a_wrong_key_or_uuid_gets_klarnas_401_with_advice_for_that_form(self):
        cases = [
            ({"username": None, "password": "klarna_test_api_not-the-key"},
             "Klarna rejected the API key"),
            ({"username": "00000000-0000-4000-8000-000000000000", "password": API_KEY},
             "must be the UUID Klarna showed"),
            ({"username": USERNAME, "password": "not-the-password"},
             "Klarna rejected the username or password"),
        ]
        for credentials, advice in cases:
            with self.subTest(advice=advice):
                config = self.config(self.sandbox.url, **credentials)
                status = self.check(config)
                self.assertEqual(status["status"], "FAILED")
                self.assertIn("HTTP 401", status["message"])
                self.assertIn(advice, status["message"])
                read = self.read(config, self.catalog("payouts"))
                self.assertEqual(read.returncode, 1)
                errors = self.trace_errors(read)
                self.assertEqual(errors[0]["failure_type"], "config_error")
                self.assertIn(advice, errors[0]["message"])

    def test_a_key_for_the_other_environment_is_refused_before_any_request(self):
        cases = [
            # A live key with playground: true, pointed at the sandbox: nothing reaches it.
            (self.config(self.sandbox.url, username=None, password=LIVE_KEY, playground=True),
             ["live API key", "only in production", "\"playground\": false"]),
            # A test key against Klarna's production host (no base_url).
            (self.config(None, username=None, password=API_KEY),
             ["test API key", "production (https://api.klarna.com/)", "\"playground\": true"]),
            (self.config(None, username=API_KEY_UUID, password=API_KEY, region="na"),
             ["test API key", "https://api-na.klarna.com/"]),
        ]
        for config, expected in cases:
            with self.subTest(expected=expected[0]):
                before = self.sandbox.request_count()
                status = self.check(config)
                self.assertEqual(status["status"], "FAILED")
                for text in expected:
                    self.assertIn(text, status["message"])
                self.assertNotIn("reach", status["message"])
                read = self.read(config, self.catalog("payouts"))
                self.assertEqual(read.returncode, 1)
                error = self.trace_errors(read)[0]
                self.assertEqual(error["failure_type"], "config_error")
                self.assertIn(expected[0], error["message"])
                sync = self.run_connector("sync", "--config", self.write("sync.json", config),
                                          "--sink", "jsonl:" + os.path.join(self.tmp.name, "out"))
                self.assertEqual(sync.returncode, 1)
                self.assertIn(expected[0], sync.stderr)
                self.assertEqual(self.sandbox.request_count(), before, "a request was sent")
                for result in (read, sync):
                    self.assertNotIn(LIVE_KEY, result.stdout + result.stderr)

    def test_the_spec_takes_a_config_with_the_key_alone(self):
        result = self.run_connector("spec")
        spec = [m for m in self.messages(result.stdout) if m["type"] == "SPEC"][0]
        schema = spec["spec"]["connectionSpecification"]
        jsonschema.validate({"region": "eu", "password": LIVE_KEY}, schema)
        self.assertEqual(schema["required"], ["region", "password"])
        self.assertEqual(schema["properties"]["password"]["title"], "API key or password")
        self.assertIn("Merchant Portal", schema["properties"]["password"]["description"])
        self.assertIn("only if Klarna showed you one", schema["properties"]["username"]["title"])


if __name__ == "__main__":
    unittest.main()

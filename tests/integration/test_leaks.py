"""The password and its Authorization header appear in no output of any command or
failure path (harness.run_connector asserts it for every run; this suite walks the
paths on purpose, including hostile inputs)."""

import unittest

from harness import PASSWORD, USERNAME, ConnectorTestCase, SharedSandboxMixin


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


if __name__ == "__main__":
    unittest.main()

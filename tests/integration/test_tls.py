"""The real path is HTTPS: klarna-sandbox --tls with a throwaway CA. Reads are exact
over TLS with few connections; certificates are always verified; a private CA is
trusted through the environment (as curl's tool reads it) or the config field; a
base_url that would send credentials in the clear to another host is refused."""

import os
import shutil
import subprocess
import time
import unittest

from harness import (SOURCE, ConnectorTestCase, Sandbox, SharedSandboxMixin, environment_trusting,
                     errors_of, records_of, statuses_of)


class HttpsReadTest(SharedSandboxMixin, ConnectorTestCase):
    SANDBOX_ARGS = ("--tls", "--payouts", "100", "--transactions-per-payout", "500",
                    "--unpaid-transactions", "500", "--latency-ms", "50", "--seed", "11")

    def test_https_read_is_exact_and_reuses_its_connections(self):
        before = self.sandbox.connection_count()
        config = self.config(self.sandbox.url, requests_per_second=100, page_size=250,
                             ca_certificate=self.sandbox.ca_pem())
        result = self.read(config, self.catalog("payouts", "transactions"),
                           env=environment_trusting())
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        messages = self.messages(result.stdout)
        for stream in ("payouts", "transactions"):
            self.assertEqual(records_of(messages, stream), self.sandbox.truth(stream), stream)
            self.assertEqual(statuses_of(messages, stream)[-1], "COMPLETE")
        requests = len(self.sandbox.requests())
        self.assertGreaterEqual(requests, 200)
        # In flight at 100 requests/s and ~60 ms: about 100 x 0.06 x 1.25 + 1 = 9. Each
        # connection opened is kept and reused, so there are no more than that (a new
        # TLS connection per request would make ~200).
        connections = self.sandbox.connection_count() - before
        self.assertLessEqual(connections, 12, f"{connections} TLS connections for {requests} requests")

    def test_the_ca_bundle_is_read_once_per_sync(self):
        # strace (installed by scripts/install-deps.sh) lists the files the read opens.
        trace = os.path.join(self.tmp.name, "trace")
        config = self.write("config.json", self.config(self.sandbox.url, requests_per_second=100))
        catalog = self.write("catalog.json", self.catalog("payouts", "transactions"))
        before = self.sandbox.connection_count()
        env = environment_trusting(SSL_CERT_FILE=self.sandbox.ca_path)
        # In the sanitizer build: LeakSanitizer cannot run under ptrace.
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
        result = subprocess.run(["strace", "-f", "-qq", "-e", "trace=openat", "-o", trace, SOURCE,
                                 "read", "--config", config, "--catalog", catalog],
                                capture_output=True, text=True, timeout=300, env=env)
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        with open(trace) as f:
            opens = sum(1 for line in f if self.sandbox.ca_path in line)
        self.assertGreater(self.sandbox.connection_count() - before, 1)
        self.assertEqual(opens, 1, "the CA bundle is loaded once, not once per connection")

    def test_the_server_certificate_is_verified_by_check_and_read(self):
        # The sandbox's CA is trusted by nobody here: the certificate is refused at
        # once, not retried, as a config error that says how to trust a private CA.
        config = self.config(self.sandbox.url, max_attempts=5)
        status = self.check(config, env=environment_trusting())
        self.assertEqual(status["status"], "FAILED")
        self.assertIn("certificate", status["message"])
        started = time.monotonic()
        result = self.read(config, self.catalog("payouts"), env=environment_trusting())
        self.assertLess(time.monotonic() - started, 10, "a certificate failure is not retried")
        self.assertEqual(result.returncode, 1)
        errors = errors_of(self.messages(result.stdout))
        self.assertEqual([e["failure_type"] for e in errors], ["config_error"])
        self.assertIn("ca_certificate", errors[0]["message"])

    def test_a_private_ca_is_trusted_through_each_environment_variable(self):
        hashed = os.path.join(self.tmp.name, "certs")
        os.mkdir(hashed)
        shutil.copy(self.sandbox.ca_path, os.path.join(hashed, "sandbox-ca.pem"))
        subprocess.run(["openssl", "rehash", hashed], check=True, capture_output=True)
        config = self.config(self.sandbox.url)
        for variables in ({"SSL_CERT_FILE": self.sandbox.ca_path},
                          {"CURL_CA_BUNDLE": self.sandbox.ca_path},
                          {"SSL_CERT_DIR": hashed}):
            with self.subTest(variables=list(variables)):
                status = self.check(config, env=environment_trusting(**variables))
                self.assertEqual(status["status"], "SUCCEEDED", status)

    def test_a_private_ca_is_trusted_through_the_config_field(self):
        status = self.check(self.config(self.sandbox.url, ca_certificate=self.sandbox.ca_pem()),
                            env=environment_trusting())
        self.assertEqual(status["status"], "SUCCEEDED", status)

    def test_a_wrong_ca_in_the_config_field_is_not_trusted(self):
        # A CA of another sandbox signed nothing this server shows.
        with Sandbox("--tls", "--payouts", "1", "--transactions-per-payout", "1") as other:
            status = self.check(self.config(self.sandbox.url, ca_certificate=other.ca_pem()),
                                env=environment_trusting())
        self.assertEqual(status["status"], "FAILED")
        self.assertIn("certificate", status["message"])


class SelfSignedCertificateTest(ConnectorTestCase):
    def test_a_self_signed_certificate_is_refused_by_check_and_read(self):
        cert, key = (os.path.join(self.tmp.name, name) for name in ("cert.pem", "key.pem"))
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost", "-addext",
                        "subjectAltName=IP:127.0.0.1,DNS:localhost", "-days", "1",
                        "-keyout", key, "-out", cert], check=True, capture_output=True)
        with Sandbox("--payouts", "2", "--transactions-per-payout", "1",
                     "--tls-cert", cert, "--tls-key", key) as sandbox:
            self.assertTrue(sandbox.url.startswith("https://"))
            config = self.config(sandbox.url)
            status = self.check(config, env=environment_trusting())
            self.assertEqual(status["status"], "FAILED")
            self.assertIn("self-signed", status["message"])
            result = self.read(config, self.catalog("payouts"), env=environment_trusting())
            self.assertEqual(result.returncode, 1)
            errors = errors_of(self.messages(result.stdout))
            self.assertEqual([e["failure_type"] for e in errors], ["config_error"])
            self.assertEqual(sandbox.requests(), [], "no request went out over it")
            # Trusting that very certificate is a choice the user can make.
            status = self.check(config, env=environment_trusting(SSL_CERT_FILE=cert))
            self.assertEqual(status["status"], "SUCCEEDED", status)


class CleartextCredentialsTest(ConnectorTestCase):
    # Names that can never resolve, so that even a wrong answer here sends nothing
    # anywhere (the unit tests cover addresses such as [::2] and 128.0.0.1).
    EVIL = ["http://127.0.0.1.evil.invalid:18080/", "http://127.attacker.invalid/",
            "http://localhost.evil.invalid/", "http://LOCALHOST.invalid/"]

    def test_plain_http_to_any_host_but_loopback_is_refused_before_any_request(self):
        # A proxy would carry a request for any of these names; none may be sent.
        env = {**os.environ, "http_proxy": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
        for url in self.EVIL:
            with self.subTest(url=url):
                started = time.monotonic()
                status = self.check(self.config(url), env=env)
                self.assertEqual(status["status"], "FAILED")
                self.assertIn("base_url", status["message"])
                self.assertLess(time.monotonic() - started, 2, "refused without a request")


if __name__ == "__main__":
    unittest.main()

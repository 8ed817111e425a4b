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

    def traced_read(self, env, **config_fields):
        """A read of both streams under strace (installed by scripts/install-deps.sh):
        the paths of every file it opened."""
        trace = os.path.join(self.tmp.name, "trace")
        config = self.write("config.json", self.config(self.sandbox.url, requests_per_second=100,
                                                       **config_fields))
        catalog = self.write("catalog.json", self.catalog("payouts", "transactions"))
        before = self.sandbox.connection_count()
        # In the sanitizer build: LeakSanitizer cannot run under ptrace.
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
        result = subprocess.run(["strace", "-f", "-qq", "-e", "trace=openat", "-o", trace, SOURCE,
                                 "read", "--config", config, "--catalog", catalog],
                                capture_output=True, text=True, timeout=300, env=env)
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        self.assertGreater(self.sandbox.connection_count() - before, 1, "one connection proves nothing")
        with open(trace) as f:
            return [line.split('"')[1] for line in f if '"' in line]

    def hashed_directory(self):
        hashed = os.path.join(self.tmp.name, "certs")
        os.mkdir(hashed)
        shutil.copy(self.sandbox.ca_path, os.path.join(hashed, "sandbox-ca.pem"))
        subprocess.run(["openssl", "rehash", hashed], check=True, capture_output=True)
        return hashed

    def test_the_trust_store_is_read_once_per_sync_whatever_the_environment(self):
        # libcurl would parse the bundle for every connection (always with a CA
        # directory set); the connector builds one store for them all.
        hashed = self.hashed_directory()
        ca = self.sandbox.ca_path
        default_bundle = "/etc/ssl/certs/ca-certificates.crt"
        cases = [({"SSL_CERT_FILE": ca}, ca),
                 ({"CURL_CA_BUNDLE": ca}, ca),
                 ({"SSL_CERT_DIR": hashed}, default_bundle),
                 ({"CURL_CA_BUNDLE": ca, "SSL_CERT_FILE": ca, "SSL_CERT_DIR": hashed}, ca)]
        for variables, bundle in cases:
            with self.subTest(variables=sorted(variables)):
                opened = self.traced_read(environment_trusting(**variables))
                self.assertEqual(opened.count(bundle), 1, "the CA bundle is read once")
                # The directory is looked into for the CA a chain needs, once: exactly
                # once when the CA is nowhere else.
                in_directory = [path for path in opened if path.startswith(hashed + "/")]
                self.assertEqual(len(in_directory), 1 if bundle == default_bundle else 0,
                                 in_directory)

    def test_a_ca_certificate_in_the_config_reads_no_bundle(self):
        opened = self.traced_read(environment_trusting(SSL_CERT_DIR=self.hashed_directory()),
                                  ca_certificate=self.sandbox.ca_pem())
        self.assertNotIn("/etc/ssl/certs/ca-certificates.crt", opened)

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
        hashed = self.hashed_directory()
        config = self.config(self.sandbox.url)
        for variables in ({"SSL_CERT_FILE": self.sandbox.ca_path},
                          {"CURL_CA_BUNDLE": self.sandbox.ca_path},
                          {"SSL_CERT_DIR": hashed}):
            with self.subTest(variables=list(variables)):
                status = self.check(config, env=environment_trusting(**variables))
                self.assertEqual(status["status"], "SUCCEEDED", status)

    def test_a_bundle_that_cannot_be_read_is_named(self):
        missing = os.path.join(self.tmp.name, "no-such-bundle.pem")
        status = self.check(self.config(self.sandbox.url), env=environment_trusting(SSL_CERT_FILE=missing))
        self.assertEqual(status["status"], "FAILED")
        self.assertIn(f"cannot read the CA bundle '{missing}'", status["message"])

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

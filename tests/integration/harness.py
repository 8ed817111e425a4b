"""Shared helpers of the integration tests: start klarna-sandbox, run source-klarna,
validate every output line against the Airbyte protocol schema."""

import base64
import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

import jsonschema

SOURCE = os.environ["SOURCE_KLARNA"]
SANDBOX = os.environ["KLARNA_SANDBOX"]
# The messages' JSON Schema, kept in this repository (nothing outside it is read).
PROTOCOL_SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "protocol",
                               "airbyte_message.schema.json")

USERNAME = "it-user"
# Recognizable, so that tests can assert it never appears in any output, nor the
# Basic authorization token made from it.
PASSWORD = "Pw-7f3a9c-NEVER-PRINT"
BASIC_TOKEN = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
# Klarna's newer credential: an API key, sent alone or with the UUID shown when it
# was created. Every sandbox of the tests accepts it beside USERNAME and PASSWORD.
API_KEY = "klarna_test_api_Kq4-3e9d-NEVER-PRINT"
API_KEY_UUID = "0b6c2f4e-8a1d-4c3b-9e7f-5d2a1c0e9b84"
API_KEY_TOKEN = base64.b64encode(f"{API_KEY_UUID}:{API_KEY}".encode()).decode()


def _message_validator():
    with open(PROTOCOL_SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


VALIDATOR = _message_validator()


def grow_sandbox(url, authorization, payouts, settle_unpaid=False, timeout=60):
    """POST /admin/grow to the klarna-sandbox at `url`: `payouts` later payouts and
    their transactions; the sandbox's answer."""
    target = f"{url}admin/grow?payouts={payouts}" + ("&settle_unpaid=1" if settle_unpaid else "")
    request = urllib.request.Request(target, method="POST", data=b"",
                                     headers={"Authorization": authorization})
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        return json.load(answer)


class Sandbox:
    """klarna-sandbox on a free loopback port, with its ground truth dumped."""

    def __init__(self, *args, username=USERNAME, password=PASSWORD):
        self.dir = tempfile.TemporaryDirectory(prefix="klarna-it-")
        self.authorization = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
        self.request_log = os.path.join(self.dir.name, "requests.log")
        self.connection_log = os.path.join(self.dir.name, "connections.log")
        command = [SANDBOX, "--port", "0", "--username", username, "--password", password,
                   "--api-key", API_KEY, "--api-key-uuid", API_KEY_UUID,
                   "--dump-truth", self.dir.name, "--request-log", self.request_log,
                   "--connection-log", self.connection_log, *args]
        if "--tls" in args:
            command += ["--tls-ca-out", os.path.join(self.dir.name, "ca.pem")]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        first_line = self.process.stdout.readline()
        if "listening on" not in first_line:
            self.process.kill()
            raise RuntimeError("klarna-sandbox did not start: " + first_line)
        self.url = first_line.split()[3]
        # With --tls, the throwaway CA that signed the server's certificate.
        self.ca_path = None
        if "--tls" in args:
            self.ca_path = self.process.stdout.readline().split(": ", 1)[1].strip()

    def grow(self, payouts, settle_unpaid=False):
        """Adds `payouts` later payouts and their transactions while it runs (POST
        /admin/grow); with `settle_unpaid` the unpaid transactions join the first."""
        return grow_sandbox(self.url, self.authorization, payouts, settle_unpaid)

    def ca_pem(self):
        with open(self.ca_path) as f:
            return f.read()

    def connection_count(self):
        """Connections the sandbox has accepted so far."""
        with open(self.connection_log) as f:
            return sum(1 for _ in f)

    def truth(self, stream):
        with open(os.path.join(self.dir.name, stream + ".jsonl"), encoding="utf-8") as f:
            return [json.loads(line) for line in f]

    def request_count(self):
        """Requests logged so far (the log is written as they happen)."""
        with open(self.request_log) as f:
            return sum(1 for _ in f)

    def requests(self):
        """(ms, status, target) of every request, after stop()."""
        with open(self.request_log) as f:
            return [(int(ms), int(status), target)
                    for ms, status, target in (line.split(" ", 2) for line in f)]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        self.dir.cleanup()


class Postgres:
    """A throwaway PostgreSQL server (Debian's postgresql package) on a free loopback
    port, its data in a temporary directory. As root, the server runs as the
    `postgres` user, since PostgreSQL refuses to run as root."""

    def __init__(self):
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not binaries:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = binaries[-1]
        self.dir = tempfile.mkdtemp(prefix="klarna-pg-")
        self.as_server_user = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            self.as_server_user = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        data = os.path.join(self.dir, "data")
        self.server(["initdb", "-D", data, "-A", "trust", "-U", "klarna", "--no-sync", "-E", "UTF8"])
        self.server(["pg_ctl", "-D", data, "-l", os.path.join(self.dir, "log"), "-w", "-o",
                     f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                     "start"])
        self.conninfo = f"host=127.0.0.1 port={self.port} user=klarna dbname=postgres"

    def server(self, command):
        subprocess.run(self.as_server_user + [os.path.join(self.bin, command[0]), *command[1:]],
                       check=True, capture_output=True)

    def query(self, sql):
        """Rows of `sql` as lists of strings (None for NULL)."""
        result = subprocess.run(["psql", self.conninfo, "-X", "-A", "-t", "-F", "\t", "-P", "null=\\N",
                                 "-c", sql], check=True, capture_output=True, text=True)
        return [[None if field == "\\N" else field for field in line.split("\t")]
                for line in result.stdout.splitlines()]

    def stop(self):
        self.server(["pg_ctl", "-D", os.path.join(self.dir, "data"), "-m", "immediate", "stop"])
        shutil.rmtree(self.dir, ignore_errors=True)


class ConnectorTestCase(unittest.TestCase):
    maxDiff = 2000

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="klarna-run-")
        self.addCleanup(self.tmp.cleanup)

    def write(self, name, content):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(content if isinstance(content, str) else json.dumps(content))
        return path

    def config(self, url, **fields):
        config = {"region": "eu", "username": USERNAME, "password": PASSWORD, "base_url": url,
                  "requests_per_second": 1000}
        config.update(fields)
        return {k: v for k, v in config.items() if v is not None}

    @staticmethod
    def catalog(*streams):
        return {"streams": [{"stream": {"name": s, "json_schema": {},
                                        "supported_sync_modes": ["full_refresh"]},
                             "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}
                            for s in streams]}

    def run_connector(self, *args, timeout=300, env=None):
        result = subprocess.run([SOURCE, *args], capture_output=True, text=True, timeout=timeout,
                                env=env)
        self.assert_no_secret(result)
        return result

    def assert_no_secret(self, result):
        """Neither the password, the API key nor a Basic token made from them in stdout
        or stderr."""
        for stream_name, text in (("stdout", result.stdout), ("stderr", result.stderr)):
            self.assertNotIn(PASSWORD, text, f"the password leaked to {stream_name}")
            self.assertNotIn(BASIC_TOKEN, text, f"the Authorization header leaked to {stream_name}")
            self.assertNotIn(API_KEY, text, f"the API key leaked to {stream_name}")
            self.assertNotIn(API_KEY_TOKEN, text, f"the UUID:key header leaked to {stream_name}")

    def messages(self, stdout):
        """Every stdout line parsed and validated as an AirbyteMessage."""
        messages = []
        for number, line in enumerate(stdout.splitlines(), 1):
            message = json.loads(line)
            errors = list(VALIDATOR.iter_errors(message))
            self.assertEqual(errors, [], f"line {number} is not a valid AirbyteMessage: {line[:300]}")
            messages.append(message)
        return messages

    def read(self, config, catalog, *extra, env=None):
        return self.run_connector("read", "--config", self.write("config.json", config),
                                  "--catalog", self.write("catalog.json", catalog), *extra, env=env)

    def check(self, config, env=None):
        """The CONNECTION_STATUS of `check` with `config`."""
        result = self.run_connector("check", "--config", self.write("check.json", config), env=env)
        statuses = [m for m in self.messages(result.stdout) if m["type"] == "CONNECTION_STATUS"]
        self.assertEqual(len(statuses), 1, result.stdout)
        return statuses[0]["connectionStatus"]


class SharedSandboxMixin:
    """One sandbox for every test of a class, started with SANDBOX_ARGS."""

    SANDBOX_ARGS = ()

    @classmethod
    def setUpClass(cls):
        cls.sandbox = Sandbox(*cls.SANDBOX_ARGS)

    @classmethod
    def tearDownClass(cls):
        cls.sandbox.stop()
        cls.sandbox.dir.cleanup()


def peak_rss_mib(pid):
    """The process's peak resident memory so far (VmHWM), in MiB."""
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmHWM:"))


def requests_once_stalled(sandbox, process, timeout=60):
    """How many requests `sandbox` has logged once the count holds still for 2 s
    while `process` keeps running (its output or sink is blocked)."""
    count, since, deadline = -1, time.monotonic(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("the sync ended although its output was blocked")
        now = sandbox.request_count()
        if now != count or now == 0:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= 2:
            return count
        time.sleep(0.2)
    raise AssertionError(f"requests never stopped while the output was blocked ({count} so far)")


def environment_trusting(**variables):
    """The environment with none of the CA variables that libcurl and OpenSSL read,
    then `variables` set: so a test decides exactly what is trusted."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR")}
    env.update(variables)
    return env


def records_of(messages, stream):
    return [m["record"]["data"] for m in messages
            if m["type"] == "RECORD" and m["record"]["stream"] == stream]


def statuses_of(messages, stream):
    return [m["trace"]["stream_status"]["status"] for m in messages
            if m["type"] == "TRACE" and m["trace"]["type"] == "STREAM_STATUS"
            and m["trace"]["stream_status"]["stream_descriptor"]["name"] == stream]


def errors_of(messages):
    return [m["trace"]["error"] for m in messages
            if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"]


def states_of(messages, stream):
    return [m["state"] for m in messages if m["type"] == "STATE"
            and m["state"]["stream"]["stream_descriptor"]["name"] == stream]


def last_states(messages):
    """The last STATE of each stream, as a state file holds them."""
    last = {}
    for message in messages:
        if message["type"] == "STATE":
            last[message["state"]["stream"]["stream_descriptor"]["name"]] = message["state"]
    return list(last.values())

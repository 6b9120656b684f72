"""Helpers for integration tests that run `mihu-sim`, the HTTPS simulator of the Mihu agents API.

Stdlib only (plus the `openssl` command line tool for the test certificates).

    ca_dir = make_test_ca(tmpdir)
    with Simulator(binary, {"agents": [...], "phone_numbers": [...]}, workdir, ca_dir=ca_dir) as sim:
        sim.set_faults([{"method": "PATCH", "times": 1, "action": "status", "status": 503}])
        ...  # run the tool against sim.url with --ca-file ca_file(ca_dir)
        sim.state()["agents"], sim.requests()
        sim.api("PATCH", "agents/UUID", {"name": ...})   # behind the tool's back (name is required)

Run `python3 simulator.py make-ca DIR` to create the certificates for a manual session.
"""
import json
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request

# File names inside a CA directory made by make_test_ca().
CA_CERT = "ca.pem"                      # the test CA: trust this one
CA_KEY = "ca-key.pem"
SERVER_CERT = "server.pem"              # 127.0.0.1 + localhost, signed by the test CA
SERVER_KEY = "server-key.pem"
OTHER_CA_CERT = "other-ca.pem"          # a second CA that signed nothing the simulator serves
OTHER_CA_KEY = "other-ca-key.pem"
OTHER_SERVER_CERT = "other-server.pem"  # right names, signed by the other (untrusted) CA
OTHER_SERVER_KEY = "other-server-key.pem"
WRONG_SAN_CERT = "wrong-san.pem"        # signed by the test CA, for a name that is not this host
WRONG_SAN_KEY = "wrong-san-key.pem"

_CA_CONFIG = """\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = {cn}
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
"""

_LEAF_CONFIG = """\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = {cn}
[v3_leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = {san}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
"""


def _openssl(*args, cwd):
    proc = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed:\n{proc.stderr}")


def _make_ca(directory, cert, key, cn):
    conf = cert + ".cnf"
    with open(os.path.join(directory, conf), "w") as f:
        f.write(_CA_CONFIG.format(cn=cn))
    _openssl("req", "-x509", "-new", "-config", conf, "-extensions", "v3_ca",
             "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", key, "-out", cert, "-days", "3650", cwd=directory)


def _make_leaf(directory, cert, key, ca_cert, ca_key, cn, san):
    conf = cert + ".cnf"
    csr = cert + ".csr"
    with open(os.path.join(directory, conf), "w") as f:
        f.write(_LEAF_CONFIG.format(cn=cn, san=san))
    _openssl("req", "-new", "-config", conf, "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", csr, cwd=directory)
    _openssl("x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-set_serial",
             str(int.from_bytes(os.urandom(8), "big")), "-days", "825", "-extfile", conf,
             "-extensions", "v3_leaf", "-out", cert, cwd=directory)
    os.remove(os.path.join(directory, csr))


def make_test_ca(directory):
    """Create (once) in `directory`: a test CA and a server certificate for 127.0.0.1 and
    localhost signed by it; a second, untrusted CA and a server certificate it signed; and a
    certificate from the test CA whose subjectAltName does not match this host.
    Returns `directory`."""
    directory = os.path.abspath(directory)
    os.makedirs(directory, exist_ok=True)
    if os.path.exists(os.path.join(directory, WRONG_SAN_CERT)):
        return directory
    _make_ca(directory, CA_CERT, CA_KEY, "reconcile test CA")
    _make_ca(directory, OTHER_CA_CERT, OTHER_CA_KEY, "untrusted test CA")
    good_san = "IP:127.0.0.1,DNS:localhost"
    _make_leaf(directory, SERVER_CERT, SERVER_KEY, CA_CERT, CA_KEY, "localhost", good_san)
    _make_leaf(directory, OTHER_SERVER_CERT, OTHER_SERVER_KEY, OTHER_CA_CERT, OTHER_CA_KEY,
               "localhost", good_san)
    _make_leaf(directory, WRONG_SAN_CERT, WRONG_SAN_KEY, CA_CERT, CA_KEY, "wrong.example.invalid",
               "DNS:wrong.example.invalid")
    return directory


def ca_file(ca_dir):
    """The test CA certificate (what the tool should trust)."""
    return os.path.join(ca_dir, CA_CERT)


def other_ca_file(ca_dir):
    """A CA certificate that did not sign the simulator's certificate."""
    return os.path.join(ca_dir, OTHER_CA_CERT)


def server_files(ca_dir):
    """(cert, key) of the good server certificate."""
    return os.path.join(ca_dir, SERVER_CERT), os.path.join(ca_dir, SERVER_KEY)


def untrusted_server_files(ca_dir):
    """(cert, key) signed by the untrusted CA (right names, wrong issuer)."""
    return os.path.join(ca_dir, OTHER_SERVER_CERT), os.path.join(ca_dir, OTHER_SERVER_KEY)


def wrong_san_files(ca_dir):
    """(cert, key) signed by the test CA for a name that is not 127.0.0.1/localhost."""
    return os.path.join(ca_dir, WRONG_SAN_CERT), os.path.join(ca_dir, WRONG_SAN_KEY)


class SimulatorError(RuntimeError):
    pass


class Simulator:
    """One `mihu-sim` process on a free port of 127.0.0.1, seeded with `seed`.

    `ca_dir` is a directory made by make_test_ca() (made under `workdir` when omitted);
    `cert`/`key` override the served certificate (TLS failure tests); the test hooks are always
    called trusting the test CA and verifying the name only when the good certificate is served.
    """

    def __init__(self, binary, seed, workdir, token="sim-token", ca_dir=None, cert=None, key=None,
                 extra_args=(), start_timeout=15.0):
        self.binary = binary
        self.seed = seed
        self.workdir = os.path.abspath(workdir)
        self.token = token
        self.ca_dir = ca_dir
        self.cert = cert
        self.key = key
        self.extra_args = list(extra_args)
        self.start_timeout = start_timeout
        self.port = None
        self.proc = None
        self._log = None

    # -- lifecycle ----------------------------------------------------------------------------
    @property
    def url(self):
        if self.port is None:
            raise SimulatorError("the simulator is not running")
        return f"https://127.0.0.1:{self.port}"

    @property
    def log_path(self):
        return os.path.join(self.workdir, "sim.log")

    def log(self):
        """What the simulator wrote to stderr so far (one line per request)."""
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def start(self):
        if self.proc is not None:
            return self
        os.makedirs(self.workdir, exist_ok=True)
        if self.ca_dir is None:
            self.ca_dir = make_test_ca(os.path.join(self.workdir, "ca"))
        cert, key = server_files(self.ca_dir)
        cert, key = self.cert or cert, self.key or key
        seed_path = os.path.join(self.workdir, "seed.json")
        with open(seed_path, "w", encoding="utf-8") as f:
            json.dump(self.seed, f)
        port_file = os.path.join(self.workdir, "port")
        if os.path.exists(port_file):
            os.remove(port_file)
        env = dict(os.environ)
        env["MIHU_SIM_TOKEN"] = self.token
        cmd = [self.binary, "--cert", cert, "--key", key, "--seed", seed_path, "--port", "0",
               "--port-file", port_file, *self.extra_args]
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=self._log)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if os.path.exists(port_file):
                with open(port_file) as f:
                    text = f.read().strip()
                if text:
                    self.port = int(text)
                    return self
            if self.proc.poll() is not None:
                code = self.proc.returncode
                self._cleanup()
                raise SimulatorError(f"mihu-sim exited with {code} before listening:\n{self.log()}")
            time.sleep(0.02)
        self.stop()
        raise SimulatorError(f"mihu-sim did not write its port file in {self.start_timeout}s:\n{self.log()}")

    def stop(self):
        """SIGTERM, then SIGKILL if it does not exit. Safe to call twice."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._cleanup()

    def _cleanup(self):
        self.proc = None
        self.port = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    # -- HTTP ---------------------------------------------------------------------------------
    def _context(self):
        ctx = ssl.create_default_context(cafile=ca_file(self.ca_dir))
        if self.cert is not None:
            # A deliberately wrong certificate is served: reach the hooks anyway.
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        return ctx

    def _call(self, method, path, body=None, token=None, timeout=30):
        status, _, data = self._exchange(method, path, body, token, timeout)
        return status, data

    def _exchange(self, method, path, body=None, token=None, timeout=30):
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        req.add_header("Accept", "application/json")
        if token is not None:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, context=self._context(), timeout=timeout) as resp:
                status, headers, raw = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            status, headers, raw = e.code, e.headers, e.read()
        text = raw.decode("utf-8", errors="replace")
        try:
            return status, headers, json.loads(text) if text else None
        except ValueError:
            return status, headers, text

    def _hook(self, method, path, body=None):
        status, data = self._call(method, path, body)
        if status != 200:
            raise SimulatorError(f"{method} {path} -> {status}: {data}")
        return data

    # -- test hooks (/_sim, no auth) ------------------------------------------------------------
    def state(self):
        """{"agents": [full agents], "phone_numbers": [...]}"""
        return self._hook("GET", "/_sim/state")

    def requests(self):
        """The API requests received so far: [{"seq", "method", "target", "body", "status",
        "connection", "fault", "at_ms"}]."""
        return self._hook("GET", "/_sim/requests")["requests"]

    def clear_requests(self):
        self._hook("POST", "/_sim/requests/clear")

    def set_faults(self, rules):
        """Replace the fault rules (the rule format is described in src/sim/faults.hpp)."""
        self._hook("POST", "/_sim/faults", {"faults": list(rules)})

    def clear_faults(self):
        self._hook("POST", "/_sim/faults/clear")

    def reseed(self, seed):
        """Replace the whole workspace."""
        self._hook("POST", "/_sim/seed", seed)

    def contract(self):
        """The contract document the simulator validates request bodies with."""
        return self._hook("GET", "/_sim/contract")

    # -- the API itself -------------------------------------------------------------------------
    def api(self, method, path, body=None):
        """An authenticated API call, for tests that change live state behind the tool's back.
        `path` is "/api/v1/agents/..." or relative to it ("agents/..."). Returns (status, json)."""
        if not path.startswith("/"):
            path = "/api/v1/" + path
        return self._call(method, path, body, token=self.token)

    def api_with_headers(self, method, path, body=None, timeout=30):
        """Like api(), but returns (status, headers, json): for rate-limit headers and the like."""
        if not path.startswith("/"):
            path = "/api/v1/" + path
        return self._exchange(method, path, body, token=self.token, timeout=timeout)


def _main(argv):
    if len(argv) == 2 and argv[0] == "make-ca":
        d = make_test_ca(argv[1])
        for name in (CA_CERT, SERVER_CERT, SERVER_KEY, OTHER_CA_CERT, WRONG_SAN_CERT):
            print(os.path.join(d, name))
        return 0
    print("usage: simulator.py make-ca DIR", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))

"""A local RFC 3161 TSA for the tests: ``openssl ts -reply`` behind a tiny HTTP handler.

A throwaway CA and TSA certificate (integrity.md lists the settings strict
clients insist on); each POSTed query is answered by the openssl command.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CONFIG = """\
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = {cn}
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ tsa_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_authority(directory: Path, name: str = "Test TSA") -> Path:
    """Create CA and TSA keys and certificates in ``directory``; returns the CA file."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "serial").write_text("01\n")
    for cn, stem in ((f"{name} Root CA", "ca"), (name, "tsa")):
        (directory / f"{stem}.cnf").write_text(CONFIG.format(cn=cn, dir=directory))
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key", cwd=directory)
    _openssl(
        "req", "-new", "-x509", "-key", "ca.key", "-out", "ca.crt", "-days", "3650",
        "-config", "ca.cnf", "-extensions", "ca_ext", cwd=directory,
    )  # fmt: skip
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "tsa.key", cwd=directory)
    _openssl("req", "-new", "-key", "tsa.key", "-out", "tsa.csr", "-config", "tsa.cnf", cwd=directory)
    _openssl(
        "x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "tsa.crt", "-days", "3650", "-extfile", "tsa.cnf", "-extensions", "tsa_ext", cwd=directory,
    )  # fmt: skip
    return directory / "ca.crt"


class LocalTSA:
    """Serves RFC 3161 replies on 127.0.0.1 until ``stop``; ``fail`` makes it answer 503."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.ca_file = make_authority(directory)
        self.fail = False
        self.requests = 0
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server hook name
                tsa.requests += 1
                query = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if tsa.fail:
                    self.send_error(503, "TSA down for the test")
                    return
                reply = tsa.reply(query)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reply(self, query: bytes) -> bytes:
        with tempfile.TemporaryDirectory() as scratch:
            query_file = Path(scratch) / "query.tsq"
            query_file.write_bytes(query)
            result = subprocess.run(
                ["openssl", "ts", "-reply", "-config", "tsa.cnf", "-queryfile", str(query_file)],
                cwd=self.directory,
                check=True,
                capture_output=True,
            )
        return result.stdout

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

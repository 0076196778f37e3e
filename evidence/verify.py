"""Offline verification of an evidence bundle: no server, no database, only the ZIP and trust anchors.

Each check yields one line saying what was checked and, on failure, exactly
which file or record failed and why. Keys shipped inside the bundle are used
only when no trust anchors are given, and the report then says so: copies in
a bundle prove integrity, not who made it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from evidence import bundle, merkle
from evidence.bagit import ALGORITHMS, decode_path
from evidence.checkpoint import Checkpoint
from evidence.custody import Entry, verify_chain
from evidence.hashes import Hasher
from evidence.keys import fingerprint
from evidence.proofs import ProofFormatError, TlogProof
from evidence.records import RECEIPT_TYPE, STATEMENT_TYPE, parse_custody_leaf
from evidence.signatures import signed_by
from evidence.signed_note import NoteError, Verifier, open_note
from evidence.timestamps import TimestampError, verify_token

PASS, FAIL, WARN = "pass", "fail", "warn"
_READ = 1024 * 1024


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


@dataclass(frozen=True)
class Check:
    status: str
    name: str
    detail: str

    def line(self) -> str:
        return f"{self.status.upper():4}  {self.name}: {self.detail}"


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.status != FAIL for c in self.checks)

    def verdict(self) -> str:
        failed = sum(c.status == FAIL for c in self.checks)
        if failed:
            return f"NOT VERIFIED: {failed} check(s) failed"
        if any(c.status == WARN for c in self.checks):
            return "VERIFIED, with warnings"
        return "VERIFIED"

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "verdict": self.verdict(),
            "checks": [{"status": c.status, "name": c.name, "detail": c.detail} for c in self.checks],
        }


@dataclass
class Trust:
    receipt_keys: list[Ed25519PublicKey] = field(default_factory=list)
    checkpoint_keys: list[Verifier] = field(default_factory=list)
    tsa_roots: list[x509.Certificate] = field(default_factory=list)
    source: str = "bundle"


def load_trust(path: Path) -> Trust:
    """Trust anchors from a file or directory: Ed25519 PEM public keys (receipts and seals),
    C2SP verifier keys one per line (checkpoints), PEM certificates (TSA roots)."""
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    trust = Trust(source=str(path))
    for file in files:
        _add_anchors(trust, file.read_text(), str(file))
    if not (trust.receipt_keys or trust.checkpoint_keys or trust.tsa_roots):
        raise ValueError(f"{path} holds no public key, verifier key or certificate")
    return trust


def _add_anchors(trust: Trust, text: str, origin: str) -> None:
    for block in _pem_blocks(text):
        if "CERTIFICATE" in block.splitlines()[0]:
            trust.tsa_roots.append(x509.load_pem_x509_certificate(block.encode()))
        elif "PUBLIC KEY" in block.splitlines()[0]:
            key = load_pem_public_key(block.encode())
            if not isinstance(key, Ed25519PublicKey):
                raise ValueError(f"{origin}: a public key that is not Ed25519")
            trust.receipt_keys.append(key)
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("-----") and "+" in line and " " not in line:
            try:
                trust.checkpoint_keys.append(Verifier.decode(line))
            except NoteError:
                continue  # a base64 line inside a PEM block


SHIPPED_KEYS = (bundle.RECEIPT_KEY, bundle.CHECKPOINT_KEY, bundle.TSA_CA)


def shipped_trust(files: dict[str, bytes]) -> Trust:
    """The key copies a bundle or receipt carries: used only when no trust anchors are given."""
    trust = Trust(source="bundle")
    for path in SHIPPED_KEYS:
        if path in files:
            _add_anchors(trust, files[path].decode(), path)
    return trust


def _pem_blocks(text: str) -> Iterator[str]:
    lines = text.splitlines()
    start = None
    for number, line in enumerate(lines):
        if line.startswith("-----BEGIN "):
            start = number
        elif line.startswith("-----END ") and start is not None:
            yield "\n".join(lines[start : number + 1]) + "\n"
            start = None


class _Bag:
    """The bag inside the ZIP: its root folder and its members by bag-relative path."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        names = [n for n in archive.namelist() if not n.endswith("/")]
        roots = {n.split("/", 1)[0] for n in names}
        if len(roots) != 1 or any("/" not in n for n in names):
            raise ValueError("the ZIP does not hold exactly one bag folder")
        self.root = roots.pop()
        self.files = {n.split("/", 1)[1]: n for n in names}

    def has(self, path: str) -> bool:
        return path in self.files

    def read(self, path: str) -> bytes:
        return self.archive.read(self.files[path])

    def chunks(self, path: str) -> Iterator[bytes]:
        with self.archive.open(self.files[path]) as handle:
            while chunk := handle.read(_READ):
                yield chunk

    def size(self, path: str) -> int:
        return self.archive.getinfo(self.files[path]).file_size


class Verification:
    def __init__(self, bag: _Bag, trust: Trust | None) -> None:
        self.bag = bag
        self.report = Report()
        self.trust = trust or self._bundle_keys()
        self.digests: dict[str, dict[str, str]] = {}
        self.checkpoint: Checkpoint | None = None
        self.checkpoint_note = ""

    def add(self, status: str, name: str, detail: str) -> None:
        self.report.checks.append(Check(status, name, detail))

    def _bundle_keys(self) -> Trust:
        return shipped_trust({p: self.data(p) for p in SHIPPED_KEYS if self.has(p)})

    def data(self, path: str) -> bytes:
        return self.bag.read("data/" + path)

    def _optional(self, path: str) -> bytes:
        return self.data(path) if self.has(path) else b""

    def has(self, path: str) -> bool:
        return self.bag.has("data/" + path)

    # -- BagIt ---------------------------------------------------------------

    def bagit(self) -> None:
        if not self.bag.has("bagit.txt") or b"BagIt-Version: 1.0" not in self.bag.read("bagit.txt"):
            self.add(FAIL, "bag structure", "bagit.txt is missing or is not BagIt 1.0")
            return
        manifests = {a: self._manifest(f"manifest-{a}.txt") for a in ALGORITHMS if self.bag.has(f"manifest-{a}.txt")}
        if not manifests:
            self.add(FAIL, "bag structure", "the bag has no payload manifest")
            return
        listed = set().union(*(m.keys() for m in manifests.values()))
        present = {p for p in self.bag.files if p.startswith("data/")}
        problems = [f"{p} is in the manifest but not in the bag" for p in sorted(listed - present)]
        problems += [f"{p} is in the bag but in no manifest (an added file)" for p in sorted(present - listed)]
        for algorithm, entries in manifests.items():
            problems += [
                f"{p} is missing from manifest-{algorithm}.txt" for p in sorted((listed & present) - entries.keys())
            ]
        problems += self._oxum(present)
        if problems:
            self.add(FAIL, "bag completeness", "; ".join(problems))
        else:
            self.add(PASS, "bag completeness", f"{len(present)} payload files, each in every manifest")
        mismatches = []
        for path in sorted(listed & present):
            computed = self._hash(path)
            for algorithm, entries in manifests.items():
                expected = entries.get(path)
                if expected is not None and computed[algorithm] != expected:
                    mismatches.append(
                        f"{path}: {algorithm} is {computed[algorithm][:16]}…, the manifest says {expected[:16]}…"
                    )
        if mismatches:
            self.add(FAIL, "bag fixity", "; ".join(mismatches))
        else:
            self.add(PASS, "bag fixity", f"every payload file matches its {', '.join(manifests)} check values")
        self._tag_manifests()

    def _manifest(self, path: str) -> dict[str, str]:
        entries = {}
        for line in self.bag.read(path).decode().splitlines():
            if line.strip():
                digest, _, name = line.partition(" ")
                entries[decode_path(name.strip())] = digest.lower()
        return entries

    def _oxum(self, present: set[str]) -> list[str]:
        info = self.bag.read("bag-info.txt").decode() if self.bag.has("bag-info.txt") else ""
        for line in info.splitlines():
            if line.startswith("Payload-Oxum:"):
                octets, _, count = line.split(":", 1)[1].strip().partition(".")
                actual = (sum(self.bag.size(p) for p in present), len(present))
                if (int(octets), int(count)) != actual:
                    said = f"Payload-Oxum says {octets} bytes in {count} files"
                    return [f"{said}, the bag has {actual[0]} bytes in {actual[1]}"]
        return []

    def _hash(self, path: str) -> dict[str, str]:
        if path not in self.digests:
            hasher = Hasher()
            try:
                for chunk in self.bag.chunks(path):
                    hasher.update(chunk)
            finally:
                hasher.close()
            self.digests[path] = hasher.digests().as_dict()
        return self.digests[path]

    def _tag_manifests(self) -> None:
        problems = []
        for algorithm in ALGORITHMS:
            name = f"tagmanifest-{algorithm}.txt"
            if not self.bag.has(name):
                problems.append(f"{name} is missing")
                continue
            for path, expected in self._manifest(name).items():
                if not self.bag.has(path):
                    problems.append(f"{path} is in {name} but not in the bag")
                elif hashlib.new(algorithm, self.bag.read(path)).hexdigest() != expected:
                    problems.append(f"{path} does not match {name}")
        if problems:
            self.add(FAIL, "tag manifests", "; ".join(problems))
        else:
            self.add(PASS, "tag manifests", "bagit.txt, bag-info.txt, the manifests and VERIFY.md match")

    # -- signatures and timestamps -------------------------------------------

    def _signature(self, data: bytes, signature_bytes: bytes) -> str | None:
        return signed_by(data, signature_bytes, self.trust.receipt_keys)

    def keys(self) -> None:
        if self.trust.source == "bundle":
            prints = ", ".join(fingerprint(k)[:16] for k in self.trust.receipt_keys) or "none"
            self.add(
                WARN,
                "trust anchors",
                "no --trust given: signatures are checked against keys shipped in the bundle "
                f"(receipt key {prints}…); compare them with the portal's published fingerprints",
            )
        else:
            self.add(PASS, "trust anchors", f"keys and TSA roots from {self.trust.source}")

    def seal(self) -> None:
        manifest = self.bag.read("tagmanifest-sha256.txt") if self.bag.has("tagmanifest-sha256.txt") else b""
        if not self.bag.has(bundle.SEAL):
            self.add(FAIL, "export seal", f"{bundle.SEAL} is missing")
            return
        key = self._signature(manifest, self.bag.read(bundle.SEAL))
        if key is None:
            self.add(FAIL, "export seal", "tagmanifest-sha256.txt is not signed by a trusted receipt key")
        else:
            self.add(PASS, "export seal", f"tagmanifest-sha256.txt signed by key {key[:16]}…")
        self._optional_token("export seal timestamp", bundle.SEAL_STAMP, _sha256(manifest), tag=True)

    def _optional_token(self, name: str, path: str, digest: bytes, *, tag: bool = False) -> None:
        """A token over ``digest`` (SHA-256) at ``path``; its absence is a warning, not a failure."""
        present = self.bag.has(path) if tag else self.has(path)
        if not present:
            self.add(WARN, name, "no RFC 3161 token (the portal had no TSA configured)")
            return
        reply = self.bag.read(path) if tag else self.data(path)
        shown = path if tag else f"data/{path}"
        try:
            info = verify_token(reply, digest, self.trust.tsa_roots)
        except TimestampError as exc:
            self.add(FAIL, name, f"{shown}: {exc}")
            return
        self.add(PASS, name, f"{shown}: time {info.gen_time.isoformat()}, {info.tsa_name or 'TSA'}")

    # -- the log ---------------------------------------------------------------

    def log(self) -> None:
        if not self.has(bundle.CHECKPOINT):
            self.add(FAIL, "checkpoint", f"data/{bundle.CHECKPOINT} is missing")
            return
        note = self.data(bundle.CHECKPOINT).decode()
        try:
            checkpoint = self._open_checkpoint(note)
        except NoteError as exc:
            self.add(FAIL, "checkpoint", f"data/{bundle.CHECKPOINT}: {exc}")
            return
        self.checkpoint, self.checkpoint_note = checkpoint, note
        self.add(PASS, "checkpoint", f"log {checkpoint.origin}, {checkpoint.size} entries, signature verifies")
        self._optional_token("checkpoint timestamp", bundle.CHECKPOINT_STAMP, _sha256(note.encode()))
        if self.has(bundle.PREVIOUS_CHECKPOINT):
            self._consistency(checkpoint)

    def _open_checkpoint(self, note: str) -> Checkpoint:
        text, _signers = open_note(note, self.trust.checkpoint_keys)
        checkpoint = Checkpoint.parse(text)
        if checkpoint.origin not in {v.name for v in self.trust.checkpoint_keys}:
            raise NoteError(f"the checkpoint is from log {checkpoint.origin!r}, which no trusted key names")
        return checkpoint

    def _consistency(self, checkpoint: Checkpoint) -> None:
        name = "log consistency"
        try:
            previous = self._open_checkpoint(self.data(bundle.PREVIOUS_CHECKPOINT).decode())
            hashes = [base64.b64decode(h, validate=True) for h in json.loads(self.data(bundle.CONSISTENCY))["hashes"]]
        except (NoteError, ValueError, KeyError, TypeError, binascii.Error) as exc:
            self.add(FAIL, name, f"the earlier checkpoint or its consistency proof cannot be read: {exc}")
            return
        if checkpoint.size < previous.size:
            self.add(
                FAIL,
                name,
                f"the log shrank: this checkpoint has {checkpoint.size} entries, an earlier one had {previous.size}",
            )
            return
        try:
            merkle.verify_consistency(previous.size, checkpoint.size, hashes, previous.root_hash, checkpoint.root_hash)
        except merkle.ProofError as exc:
            self.add(FAIL, name, f"checkpoint of {checkpoint.size} does not extend the one of {previous.size}: {exc}")
            return
        self.add(PASS, name, f"the log of {checkpoint.size} entries extends the earlier one of {previous.size}")

    def _included(self, data: bytes, proof_path: str) -> str:
        """Empty when ``data`` is proven in the bundle's checkpoint, else why not."""
        if self.checkpoint is None:
            return "no verified checkpoint to check against"
        if not self.has(proof_path):
            return f"data/{proof_path} is missing"
        try:
            proof = TlogProof.parse(self.data(proof_path).decode())
        except (ProofFormatError, UnicodeDecodeError) as exc:
            return f"data/{proof_path}: {exc}"
        if proof.checkpoint != self.checkpoint_note:
            return f"data/{proof_path} is against another checkpoint than data/{bundle.CHECKPOINT}"
        try:
            merkle.verify_inclusion(
                proof.index, self.checkpoint.size, merkle.leaf_hash(data), proof.hashes, self.checkpoint.root_hash
            )
        except merkle.ProofError as exc:
            return f"data/{proof_path}: not in the log at entry {proof.index}: {exc}"
        return ""

    # -- the export statement and the items --------------------------------------

    def statement(self) -> dict[str, Any] | None:
        if not self.has(bundle.STATEMENT):
            self.add(FAIL, "export statement", f"data/{bundle.STATEMENT} is missing")
            return None
        body = self.data(bundle.STATEMENT)
        statement = json.loads(body)
        problems = []
        if statement.get("type") != STATEMENT_TYPE:
            problems.append("not an export statement")
        key = self._signature(body, self._optional(bundle.signature(bundle.STATEMENT)))
        if key is None:
            problems.append("not signed by a trusted receipt key")
        named = statement.get("checkpoint", {}).get("size")
        if self.checkpoint is not None and named != self.checkpoint.size:
            problems.append(f"it names a checkpoint of {named} entries, the bag holds one of {self.checkpoint.size}")
        listed = {f"data/{i['path']}" for i in statement.get("items", [])}
        originals = {p for p in self.bag.files if p.startswith("data/evidence/") and "/original/" in p}
        problems += [f"{p} is listed but not in the bag" for p in sorted(listed - originals)]
        problems += [f"{p} is in the bag but not in the statement" for p in sorted(originals - listed)]
        if problems:
            self.add(FAIL, "export statement", f"data/{bundle.STATEMENT}: " + "; ".join(problems))
        else:
            case = statement.get("case", {}).get("number")
            self.add(PASS, "export statement", f"case {case}, {len(listed)} items, signed by key {str(key)[:16]}…")
        self._optional_token("export statement timestamp", bundle.token(bundle.STATEMENT), _sha256(body))
        return statement

    def item(self, listed: dict[str, Any]) -> None:
        evidence_id = int(listed["evidence_id"])
        name = f"item {evidence_id}"
        path = listed["path"]
        if not self.has(bundle.receipt(evidence_id)):
            self.add(FAIL, name, f"data/{bundle.receipt(evidence_id)} is missing")
            return
        body = self.data(bundle.receipt(evidence_id))
        receipt = json.loads(body)
        problems = []
        if receipt.get("type") != RECEIPT_TYPE or receipt.get("evidence_id") != evidence_id:
            problems.append(f"data/{bundle.receipt(evidence_id)} is not the receipt of item {evidence_id}")
        key = self._signature(body, self._optional(bundle.signature(bundle.receipt(evidence_id))))
        if key is None:
            problems.append(f"data/{bundle.receipt(evidence_id)} is not signed by a trusted receipt key")
        if self.has(path):
            size = self.bag.size("data/" + path)
            if size != receipt.get("size"):
                problems.append(f"data/{path} has {size} bytes, its receipt says {receipt.get('size')}")
            computed = self._hash("data/" + path)
            for algorithm, expected in receipt.get("hashes", {}).items():
                if expected and computed.get(algorithm) != expected:
                    problems.append(
                        f"data/{path} does not match its receipt: {algorithm.upper()} is "
                        f"{computed.get(algorithm, '')[:16]}…, the receipt says {expected[:16]}…"
                    )
        else:
            problems.append(f"data/{path} is missing")
        why = self._included(body, bundle.receipt_proof(evidence_id))
        if why:
            problems.append(f"receipt not proven in the log: {why}")
        if problems:
            self.add(FAIL, name, "; ".join(problems))
        else:
            self.add(
                PASS,
                name,
                f"{receipt.get('filename')}: {receipt['size']} bytes, SHA-256/SHA-512/SM3 match the signed receipt, "
                "the receipt is in the log",
            )
        sha256 = str(receipt.get("hashes", {}).get("sha256", ""))
        digest = bytes.fromhex(sha256) if len(sha256) == 64 else b""
        self._optional_token(f"item {evidence_id} timestamp", bundle.file_token(evidence_id), digest)
        self.custody(evidence_id, listed)

    def custody(self, evidence_id: int, listed: dict[str, Any]) -> None:
        name = f"item {evidence_id} custody"
        path = bundle.custody(evidence_id)
        if not self.has(path):
            self.add(FAIL, name, f"data/{path} is missing")
            return
        entries: list[Entry] = []
        problems = []
        for number, line in enumerate(self.data(path).splitlines(), start=1):
            try:
                owner, entry = parse_custody_leaf(line)
            except ValueError as exc:
                problems.append(f"data/{path} line {number}: {exc}")
                continue
            if owner != evidence_id:
                problems.append(f"data/{path} line {number} belongs to item {owner}")
            entries.append(entry)
            why = self._included(line, bundle.custody_proof(evidence_id, entry.seq))
            if why:
                problems.append(f"entry {entry.seq} not proven in the log: {why}")
        report = verify_chain(entries, listed.get("custody_head"))
        problems += [f"data/{path}: {p}" for p in report.problems]
        if problems:
            self.add(FAIL, name, "; ".join(problems))
        else:
            self.add(PASS, name, f"{len(entries)} entries, hash chain intact up to the exported head, each in the log")


def _guarded(verification: Verification, name: str, step: Callable[[], Any]) -> Any:
    """Run one step; a record too malformed to check is a failure that names it, never a crash."""
    try:
        return step()
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        verification.add(FAIL, name, f"a record cannot be read: {type(exc).__name__}: {exc}")
        return None


def verify_bundle(path: Path, trust: Trust | None = None) -> Report:
    """Run every check on the bundle at ``path``; never raises for a bad bundle."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return Report([Check(FAIL, "archive", f"{path} cannot be read as a ZIP: {exc}")])
    with archive:
        try:
            verification = Verification(_Bag(archive), trust)
        except ValueError as exc:
            return Report([Check(FAIL, "archive", str(exc))])
        steps: list[tuple[str, Callable[[], object]]] = [
            ("trust anchors", verification.keys),
            ("bag", verification.bagit),
            ("export seal", verification.seal),
            ("checkpoint", verification.log),
        ]
        for name, step in steps:
            _guarded(verification, name, step)
        statement = _guarded(verification, "export statement", verification.statement)
        items = statement.get("items", []) if isinstance(statement, dict) else []
        for listed in items:
            _guarded(verification, f"item {listed.get('evidence_id')}", partial(verification.item, listed))
    return verification.report


def is_receipt(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "receipt.json" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def verify_receipt(path: Path, trust: Trust | None = None, original: Path | None = None) -> Report:
    """Check a receipt ZIP from the portal and, given ``original``, the file it is for."""
    report = Report()
    add = report.checks.append
    try:
        with zipfile.ZipFile(path) as archive:
            files = {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
    except (zipfile.BadZipFile, OSError) as exc:
        return Report([Check(FAIL, "archive", f"{path} cannot be read as a ZIP: {exc}")])
    if "receipt.json" not in files:
        return Report([Check(FAIL, "archive", f"{path} holds no receipt.json")])
    if trust is None:
        trust = shipped_trust(files)
        add(Check(WARN, "trust anchors", "no --trust given: the keys shipped in the ZIP are used"))
    body = files["receipt.json"]
    receipt = json.loads(body)
    key = signed_by(body, files.get("receipt.json.sig", b""), trust.receipt_keys)
    if key is None:
        add(Check(FAIL, "receipt signature", "receipt.json is not signed by a trusted receipt key"))
    else:
        add(Check(PASS, "receipt signature", f"receipt of item {receipt.get('evidence_id')} signed by key {key[:16]}…"))
    hashes = receipt.get("hashes", {})
    if original is not None:
        hasher = Hasher()
        size = 0
        with original.open("rb") as handle:
            while chunk := handle.read(_READ):
                hasher.update(chunk)
                size += len(chunk)
        computed = hasher.digests().as_dict()
        wrong = [a.upper() for a, expected in hashes.items() if expected and computed.get(a) != expected]
        if size != receipt.get("size"):
            wrong.insert(0, f"size ({size} bytes, the receipt says {receipt.get('size')})")
        if wrong:
            add(Check(FAIL, "file", f"{original.name} does not match the receipt: {', '.join(wrong)} differ"))
        else:
            add(Check(PASS, "file", f"{original.name}: size, SHA-256, SHA-512 and SM3 match the receipt"))
    sha256 = str(hashes.get("sha256", ""))
    if "original.tsr" not in files:
        add(Check(WARN, "timestamp", "no RFC 3161 token (the portal had no TSA configured, or is still asking)"))
    else:
        try:
            info = verify_token(files["original.tsr"], bytes.fromhex(sha256), trust.tsa_roots)
            add(Check(PASS, "timestamp", f"the TSA saw this SHA-256 at {info.gen_time.isoformat()}"))
        except (TimestampError, ValueError) as exc:
            add(Check(FAIL, "timestamp", f"original.tsr: {exc}"))
    if "receipt.tlog-proof" not in files:
        add(Check(WARN, "log inclusion", "pending: no checkpoint covered the receipt yet; download it again later"))
        return report
    try:
        proof = TlogProof.parse(files["receipt.tlog-proof"].decode())
        text, _signers = open_note(proof.checkpoint, trust.checkpoint_keys)
        checkpoint = Checkpoint.parse(text)
        merkle.verify_inclusion(
            proof.index, checkpoint.size, merkle.leaf_hash(body), proof.hashes, checkpoint.root_hash
        )
    except (ProofFormatError, NoteError, merkle.ProofError, UnicodeDecodeError) as exc:
        add(Check(FAIL, "log inclusion", f"receipt.tlog-proof: {exc}"))
        return report
    add(Check(PASS, "log inclusion", f"entry {proof.index} of the log's {checkpoint.size}, checkpoint signed"))
    return report

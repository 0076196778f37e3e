"""Evidence bundles for the case file: a signed, timestamped BagIt bag of a case's evidence.

The export is recorded first (one custody event per item) and a checkpoint is
signed over the log including those events, so every custody entry in the
bundle, the export included, carries an inclusion proof. Then the bag is
streamed: the originals first, while the PDF evidence list is rendered, and
the manifests and the seal last.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from zipstream import ZipStream

from evidence import bagit, bundle
from evidence.keys import fingerprint
from evidence.records import STATEMENT_TYPE, canonical, utc_timestamp
from evidence.signatures import sign
from evidence.stores import Store
from portal.models import Case, Complaint, CustodyAction, CustodyEvent, EvidenceItem, LogCheckpoint, LogEntry, User
from portal.services import integrity, receipts, transparency
from portal.services.access import REVIEWERS, get_case, require_role
from portal.services.custody import lock_items, record_custody
from portal.services.errors import Conflict, Invalid
from portal.services.receipts import Notary, token_info


@dataclass(frozen=True)
class ListedItem:
    """One line of the evidence list (证据清单)."""

    number: int
    item: EvidenceItem
    path: str
    provider: str
    timestamped_at: datetime | None


RenderList = Callable[[Case, Sequence[ListedItem], datetime], dict[str, Callable[[], bytes]]]
"""Starts the evidence list files (CSV and PDF); each is fetched, by path in the bag, when the stream needs it."""


@dataclass(frozen=True)
class Export:
    filename: str
    stream: ZipStream


def case_items(session: Session, case: Case, wanted: Sequence[int] | None) -> list[EvidenceItem]:
    items = list(
        session.scalars(
            select(EvidenceItem)
            .join(Complaint)
            .where(Complaint.case_id == case.id)
            .options(
                selectinload(EvidenceItem.receipt),
                selectinload(EvidenceItem.organisation),
            )
            .order_by(EvidenceItem.id)
        )
    )
    if wanted is not None:
        if not wanted:
            raise Invalid("Choose at least one evidence item to export.", {"evidence": "Choose at least one."})
        known = {item.id for item in items}
        strangers = [i for i in wanted if i not in known]
        if strangers:
            listed = ", ".join(str(i) for i in strangers)
            raise Invalid(
                f"Not evidence of this case: {listed}.", {"evidence": f"Not evidence of this case: {listed}."}
            )
        items = [item for item in items if item.id in set(wanted)]
    if not items:
        raise Conflict("There is no evidence to export: no complaint linked to this case has any.")
    damaged = integrity.damage_of(session, {item.sha256 for item in items})
    if damaged:
        listed = ", ".join(str(item.id) for item in items if item.sha256 in damaged)
        raise Conflict(
            "Some items are stored damaged and would break the bundle off; choose the other items.",
            {"evidence": f"Stored damaged: {listed}."},
        )
    missing = [str(item.id) for item in items if item.receipt is None]
    if missing:
        raise Conflict(
            "Some items were received before receipts were issued and cannot be exported with proofs; "
            "choose the other items.",
            {"evidence": f"Without receipts: {', '.join(missing)}."},
        )
    return items


def export(
    session: Session,
    store: Store,
    notary: Notary,
    actor: User,
    case_id: int,
    wanted: Sequence[int] | None,
    render_list: RenderList,
) -> Export:
    require_role(actor, REVIEWERS, "Only prosecutors export evidence bundles.")
    case = get_case(session, actor, case_id)
    items = case_items(session, case, wanted)
    now = datetime.now(UTC)
    name = f"evidence-{_safe(case.case_number)}-{now:%Y%m%dT%H%M%SZ}"
    previous = transparency.latest_checkpoint(session)
    for item in lock_items(session, [item.id for item in items]):
        record_custody(
            session, item, CustodyAction.EXPORTED, actor, details={"case_number": case.case_number, "bundle": name}
        )
    session.commit()
    checkpoint = receipts.checkpoint(session, notary)
    checkpoint = checkpoint or transparency.latest_checkpoint(session)
    assert checkpoint is not None

    files: list[bagit.BagFile] = []
    listed: list[ListedItem] = []
    statement_items = []
    records = _item_records(session, items, checkpoint)
    for number, item in enumerate(items, start=1):
        path = bundle.original(item.id, item.filename)
        files.append(_original(session, store, item, path))
        files += records[item.id]
        token = token_info(notary, item.receipt) if item.receipt else None
        listed.append(ListedItem(number, item, path, item.organisation.legal_name, token.gen_time if token else None))
        statement_items.append(
            {
                "evidence_id": item.id,
                "path": path,
                "sha256": item.sha256,
                "size": item.size,
                "custody_length": item.custody_length,
                "custody_head": item.custody_head,
            }
        )
    files += _log_files(session, notary, checkpoint, previous)
    files += _statement(notary, case, actor, now, name, checkpoint, statement_items)
    files += [bagit.BagFile.of(path, body) for path, body in notary.key_files().items()]
    stream = bagit.stream_bag(
        name,
        files,
        render_list(case, listed, now),
        {
            "Source-Organization": notary.origin,
            "External-Identifier": case.case_number,
            "External-Description": f"Evidence of case {case.case_number}, {case.procuratorate}",
            "Bagging-Date": now.date().isoformat(),
        },
        {bundle.VERIFY_MD: verify_md(name, [(item.id, bundle.original(item.id, item.filename)) for item in items])},
        lambda manifest: _seal(notary, manifest),
    )
    return Export(name + ".zip", stream)


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text)[:60] or "case"


def _original(session: Session, store: Store, item: EvidenceItem, path: str) -> bagit.BagFile:
    """The original as the store holds it, checked as it streams: a damaged one breaks the bundle off."""
    digests = {"sha256": item.sha256}
    if item.sha512:
        digests["sha512"] = item.sha512
    return bagit.BagFile(path, item.size, digests, lambda: integrity.read_checked(session, store, item, "export"))


def _item_records(
    session: Session, items: list[EvidenceItem], checkpoint: LogCheckpoint
) -> dict[int, list[bagit.BagFile]]:
    """Each item's receipt, token, custody lines and their proofs, from a few queries for all items."""
    receipts_by_item = {item.id: item.receipt for item in items if item.receipt is not None}
    receipt_entries = {
        entry.index: entry
        for entry in session.scalars(
            select(LogEntry).where(LogEntry.index.in_([r.log_index for r in receipts_by_item.values()]))
        )
    }
    lengths = {item.id: item.custody_length for item in items}
    custody: dict[int, list[tuple[CustodyEvent, LogEntry | None]]] = {item.id: [] for item in items}
    rows = session.execute(
        select(CustodyEvent, LogEntry)
        .outerjoin(LogEntry, LogEntry.custody_event_id == CustodyEvent.id)
        .where(CustodyEvent.evidence_id.in_(list(lengths)))
        .order_by(CustodyEvent.evidence_id, CustodyEvent.seq)
    ).all()
    for event, entry in rows:
        # Up to the export's own entry: acts after it belong to a later bundle.
        if event.seq <= lengths[event.evidence_id]:
            custody[event.evidence_id].append((event, entry))
    unlogged = sorted({str(i) for i, pairs in custody.items() for _event, entry in pairs if entry is None})
    if unlogged:
        raise Conflict(
            "An item has custody recorded before the log existed; choose the other items.",
            {"evidence": f"Recorded before the log: {', '.join(unlogged)}."},
        )
    logged = [entry for pairs in custody.values() for _event, entry in pairs if entry is not None]
    proofs = transparency.prove_all(session, [*receipt_entries.values(), *logged], checkpoint)

    def proof_file(path: str, index: int) -> bagit.BagFile:
        return bagit.BagFile.of(path, proofs[index].format().encode())

    records: dict[int, list[bagit.BagFile]] = {}
    for item_id, receipt in receipts_by_item.items():
        files = [
            bagit.BagFile.of(bundle.receipt(item_id), receipt.body),
            bagit.BagFile.of(bundle.signature(bundle.receipt(item_id)), receipt.signature),
            proof_file(bundle.receipt_proof(item_id), receipt.log_index),
        ]
        if receipt.timestamp_token:
            files.append(bagit.BagFile.of(bundle.file_token(item_id), receipt.timestamp_token))
        lines = b""
        for event, leaf in custody[item_id]:
            assert leaf is not None  # unlogged custody was refused above
            lines += leaf.data + b"\n"
            files.append(proof_file(bundle.custody_proof(item_id, event.seq), leaf.index))
        files.append(bagit.BagFile.of(bundle.custody(item_id), lines))
        records[item_id] = files
    return records


def _log_files(
    session: Session, notary: Notary, checkpoint: LogCheckpoint, previous: LogCheckpoint | None
) -> list[bagit.BagFile]:
    files = [bagit.BagFile.of(bundle.CHECKPOINT, checkpoint.note.encode())]
    if checkpoint.timestamp_token:
        files.append(bagit.BagFile.of(bundle.CHECKPOINT_STAMP, checkpoint.timestamp_token))
    if previous is not None and previous.size < checkpoint.size:
        hashes = transparency.consistency_proof(session, previous.size, checkpoint.size)
        proof = {"from": previous.size, "to": checkpoint.size, "hashes": [base64.b64encode(h).decode() for h in hashes]}
        files.append(bagit.BagFile.of(bundle.PREVIOUS_CHECKPOINT, previous.note.encode()))
        files.append(bagit.BagFile.of(bundle.CONSISTENCY, json.dumps(proof, indent=1).encode()))
    return files


def _stamped(notary: Notary, path: str, body: bytes) -> list[bagit.BagFile]:
    """``body`` with its signature and, when the TSA answers, its RFC 3161 token."""
    key = notary.keys.private_key("receipt")
    files = [bagit.BagFile.of(path, body), bagit.BagFile.of(bundle.signature(path), sign(key, body))]
    token = notary.timestamp(body)
    if token is not None:
        files.append(bagit.BagFile.of(bundle.token(path), token))
    return files


def _statement(
    notary: Notary,
    case: Case,
    actor: User,
    now: datetime,
    name: str,
    checkpoint: LogCheckpoint,
    items: list[dict[str, object]],
) -> list[bagit.BagFile]:
    key = notary.keys.private_key("receipt")
    body = canonical(
        {
            "type": STATEMENT_TYPE,
            "log": notary.origin,
            "bag": name,
            "case": {"id": case.id, "number": case.case_number, "procuratorate": case.procuratorate},
            "exported_at": utc_timestamp(now),
            "exported_by": {"id": actor.id, "email": actor.email},
            "checkpoint": {"size": checkpoint.size, "root_hash": base64.b64encode(checkpoint.root_hash).decode()},
            "items": items,
            "signing_key": fingerprint(key.public_key()),
        }
    )
    return _stamped(notary, bundle.STATEMENT, body)


def _seal(notary: Notary, manifest: bytes) -> dict[str, bytes]:
    seals = {bundle.SEAL: sign(notary.keys.private_key("receipt"), manifest)}
    token = notary.timestamp(manifest)
    if token is not None:
        seals[bundle.SEAL_STAMP] = token
    return seals


def verify_md(name: str, originals: list[tuple[int, str]]) -> bytes:
    """How to check this bag with standard tools only; the shell blocks run as written from the bag folder."""
    item_checks = "\n".join(f'check_item {evidence_id} "data/{path}"' for evidence_id, path in originals)
    return VERIFY_TEMPLATE.format(name=name, item_checks=item_checks).encode()


VERIFY_TEMPLATE = """\
# Verifying this evidence bundle / 核验本证据包

Bag `{name}` is a BagIt bag (RFC 8493). Every original file is byte-identical
to what the portal received. Each has a receipt signed with Ed25519, an
RFC 3161 timestamp token over its SHA-256 (when the portal had a TSA), and
its custody record; all are entries of the portal's transparency log, whose
signed checkpoint is in `data/log/checkpoint.txt`.

本证据包为 BagIt 格式（RFC 8493）。每个原始文件与门户接收时逐字节一致，附有 Ed25519
签名的回执、对其 SHA-256 的 RFC 3161 可信时间戳（门户配置了时间戳服务时）以及保管记录；
它们都是门户透明日志的条目，日志的签名检查点见 `data/log/checkpoint.txt`。

The keys in `data/keys/` are copies for convenience. Before relying on the
results, compare their fingerprints with the ones the portal publishes
(its "Keys" page), or set the variables below to the published files.
`data/keys/` 中的密钥仅为方便而附；请先与门户公布的指纹核对，或将下列变量指向公布的密钥文件。

Run the commands from the bag folder (the one holding `bagit.txt`).
The whole check, including the Merkle proofs that no standard tool
reads, is also `evidence-verify {name}.zip --trust KEYS`.

```sh
set -eu
RECEIPT_KEY=${{RECEIPT_KEY:-data/keys/receipt.pem}}
CHECKPOINT_KEY=${{CHECKPOINT_KEY:-data/keys/checkpoint.pem}}
TSA_CA=${{TSA_CA:-data/keys/tsa-ca.pem}}

# 1. Completeness and fixity of every file (BagIt) / 完整性与固定性
bagit.py --validate .
sha256sum --quiet -c manifest-sha256.txt
sha256sum --quiet -c tagmanifest-sha256.txt

# 2. The export seal: the signed tag manifest covers every manifest, so every file / 导出封印
openssl pkeyutl -verify -pubin -inkey "$RECEIPT_KEY" -rawin \\
  -in tagmanifest-sha256.txt -sigfile tagmanifest-sha256.txt.sig
if [ -f tagmanifest-sha256.txt.tsr ]; then
  openssl ts -verify -data tagmanifest-sha256.txt -in tagmanifest-sha256.txt.tsr -CAfile "$TSA_CA"
fi

# 3. The export statement / 导出声明
openssl pkeyutl -verify -pubin -inkey "$RECEIPT_KEY" -rawin \\
  -in data/export/statement.json -sigfile data/export/statement.json.sig

# 4. The log checkpoint: a C2SP signed note; the signature is over the text
#    before the blank line, after a 4-byte key id / 日志检查点
sed '/^$/,$d' data/log/checkpoint.txt > checkpoint.body
grep '^— ' data/log/checkpoint.txt | head -n 1 | awk '{{print $3}}' | base64 -d | tail -c 64 > checkpoint.sig
openssl pkeyutl -verify -pubin -inkey "$CHECKPOINT_KEY" -rawin -in checkpoint.body -sigfile checkpoint.sig
rm -f checkpoint.body checkpoint.sig

# 5. Every item: receipt signature, hashes against the receipt, timestamp / 逐项核验
check_item() {{
  dir="data/evidence/$1"
  openssl pkeyutl -verify -pubin -inkey "$RECEIPT_KEY" -rawin -in "$dir/receipt.json" -sigfile "$dir/receipt.json.sig"
  grep -q "\\"sha256\\":\\"$(sha256sum "$2" | cut -d' ' -f1)\\"" "$dir/receipt.json"
  grep -q "\\"sha512\\":\\"$(sha512sum "$2" | cut -d' ' -f1)\\"" "$dir/receipt.json"
  if [ -f "$dir/original.tsr" ]; then
    openssl ts -verify -data "$2" -in "$dir/original.tsr" -CAfile "$TSA_CA"
  fi
}}
{item_checks}
echo "all checks passed / 全部核验通过"
```
"""

"""Command line of the verifier: ``evidence-verify ARCHIVE`` or ``python -m evidence verify ARCHIVE``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from evidence.verify import Trust, is_receipt, load_trust, verify_bundle, verify_receipt


def verify_main(argv: Sequence[str] | None = None, prog: str = "evidence-verify") -> int:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Check an evidence bundle or a receipt offline: BagIt completeness and fixity, receipts, "
        "signatures, RFC 3161 tokens, custody chains and log proofs.",
    )
    parser.add_argument("archive", type=Path, help="a bundle ZIP exported from the portal, or a receipt ZIP")
    parser.add_argument(
        "--trust",
        type=Path,
        help="file or folder with the portal's published keys: Ed25519 PEM public keys, the C2SP "
        "checkpoint verifier key, and the TSA's CA certificate (PEM)",
    )
    parser.add_argument("--file", type=Path, help="with a receipt ZIP: the original file to check against it")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    trust: Trust | None = None
    if args.trust is not None:
        try:
            trust = load_trust(args.trust)
        except (OSError, ValueError) as exc:
            parser.error(f"--trust {args.trust}: {exc}")
    if is_receipt(args.archive):
        report = verify_receipt(args.archive, trust, args.file)
    else:
        report = verify_bundle(args.archive, trust)
    if args.json:
        json.dump(report.as_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for check in report.checks:
            print(check.line())
        print(report.verdict())
    return 0 if report.ok else 1


def main() -> None:
    sys.exit(verify_main())


def module_main(argv: Sequence[str]) -> int:
    if not argv or argv[0] != "verify":
        print("usage: python -m evidence verify BUNDLE.zip [--trust KEYS] [--json]", file=sys.stderr)
        return 2
    return verify_main(argv[1:], prog="python -m evidence verify")

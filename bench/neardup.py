"""Near-duplicate matching: quality on real photographs, hashing throughput, index latency and memory.

1. Quality. Real photographs (scikit-image's, plus OpenCV's samples when
   Debian's ``opencv-doc`` is installed: ``apt-get install opencv-doc``), each
   altered ten ways (tests/photos.py). For imagehash's plain pHash and dHash
   and for the portal's fingerprints: recall (altered copies matched to their
   original) and false matches (pairs of different photographs matched), at
   each one's best threshold, the largest with no false match.
2. Throughput on 12-megapixel JPEGs: ``fingerprint(open_image(path))`` (JPEG
   draft decoding) against ``imagehash.phash(Image.open(path))`` in the same
   run, and the fingerprints' recall on altered 12-megapixel copies with and
   without draft decoding (equal match quality).
3. Query latency and memory with 10^5, 10^6 and 10^7 stored codes, against a
   full scan of the same codes with numpy in the same run.

    .venv/bin/python bench/neardup.py [--sizes 100000,1000000,10000000] [--write-reference]

``--write-reference`` stores the fingerprints' recall and false matches at
each threshold in evidence/data/, where the administrator's threshold page
shows them.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evidence.fingerprints import (  # noqa: E402
    COMPATIBLE,
    DEFAULT_THRESHOLD,
    MAX_THRESHOLD,
    REFERENCE,
    Family,
    Fingerprint,
    distance,
)
from evidence.hamming import I64, U64, as_codes, brute_force  # noqa: E402
from evidence.matcher import Matcher  # noqa: E402
from evidence.perceptual import fingerprint, open_image, prepare  # noqa: E402
from tests.photos import TRANSFORMATIONS, photographs  # noqa: E402

MEGAPIXELS_12 = (4000, 3000)


def _best(
    originals: dict[str, object], copies: dict[tuple[str, str], object], bits: Callable[[object, object], int]
) -> tuple[int, float, int, list[int], list[int]]:
    """Best threshold, its recall and false matches, and the distance lists (matches, non-matches)."""
    positive = [bits(originals[name], h) for (name, _), h in copies.items()]
    negative = [bits(originals[a], originals[b]) for a, b in itertools.combinations(originals, 2)]
    negative += [bits(originals[other], h) for (name, _), h in copies.items() for other in originals if other != name]
    threshold = min(negative) - 1
    recall = sum(d <= threshold for d in positive) / len(positive)
    return threshold, recall, sum(d <= threshold for d in negative), positive, negative


def quality(photos: dict[str, Image.Image], write_reference: bool) -> None:
    altered = {(name, a): change(photo) for name, photo in photos.items() for a, change in TRANSFORMATIONS.items()}
    print(f"\n1. Quality: {len(photos)} photographs, {len(altered)} altered copies")
    hashers: dict[str, tuple[Callable[[Image.Image], object], Callable[[object, object], int]]] = {
        "imagehash pHash": (imagehash.phash, lambda a, b: a - b),  # type: ignore[operator]
        "imagehash dHash": (imagehash.dhash, lambda a, b: a - b),  # type: ignore[operator]
        "portal fingerprint": (lambda image: fingerprint(prepare(image)), distance),  # type: ignore[dict-item]
    }
    print(f"   {'hasher':<20} {'threshold':>9} {'recall':>7} {'false':>6}   recall by alteration")
    for label, (hasher, bits) in hashers.items():
        originals = {name: hasher(photo) for name, photo in photos.items()}
        copies = {key: hasher(image) for key, image in altered.items()}
        threshold, recall, false, positive, negative = _best(originals, copies, bits)
        by_alteration = {
            a: np.mean([d <= threshold for (key, d) in zip(copies, positive, strict=True) if key[1] == a])
            for a in TRANSFORMATIONS
        }
        detail = ", ".join(f"{a} {r:.2f}" for a, r in by_alteration.items())
        print(f"   {label:<20} {threshold:>9} {recall:>7.3f} {false:>6}   {detail}")
    curve = [
        {
            "threshold": t,
            "recall": round(sum(d <= t for d in positive) / len(positive), 4),
            "false_matches": sum(d <= t for d in negative),
        }
        for t in range(MAX_THRESHOLD + 1)
    ]
    print(
        "   portal fingerprint by threshold: "
        + ", ".join(f"{c['threshold']}: {c['recall']:.3f}/{c['false_matches']}" for c in curve)
    )
    if write_reference:
        REFERENCE.write_text(
            json.dumps(
                {
                    "measured_on": date.today().isoformat(),
                    "photographs": len(photos),
                    "copies": len(altered),
                    "pairs_of_different": len(negative),
                    "by_threshold": curve,
                },
                indent=1,
            )
            + "\n"
        )
        print(f"   written to {REFERENCE}")


def throughput(photos: dict[str, Image.Image], count: int) -> None:
    chosen = list(photos.items())[:count]
    with tempfile.TemporaryDirectory(prefix="neardup-") as scratch:
        paths = []
        for name, photo in chosen:
            path = Path(scratch) / f"{Path(name).stem}.jpg"
            photo.resize(MEGAPIXELS_12, Image.Resampling.LANCZOS).save(path, "JPEG", quality=92)
            paths.append(path)
        print(f"\n2. Hashing throughput: {len(paths)} JPEGs of {MEGAPIXELS_12[0]}x{MEGAPIXELS_12[1]} (12 MP)")
        timings = {}
        for label, run in (
            ("imagehash.phash(Image.open(path))", lambda p: imagehash.phash(Image.open(p))),
            ("portal fingerprint, draft decoding", lambda p: fingerprint(open_image(str(p)))),
            ("portal fingerprint, full decoding", lambda p: fingerprint(prepare(Image.open(p)))),
        ):
            run(paths[0])  # warm up the decoders
            started = time.perf_counter()
            for path in paths:
                run(path)
            timings[label] = (time.perf_counter() - started) / len(paths)
        plain = timings["imagehash.phash(Image.open(path))"]
        for label, seconds in timings.items():
            print(
                f"   {label:<36} {1000 * seconds:7.1f} ms/image  {1 / seconds:6.1f} images/s  {plain / seconds:5.2f}x"
            )
        # Equal match quality: altered 12 MP copies, hashed with and without draft decoding.
        originals_draft, originals_full, copies_draft, copies_full = {}, {}, {}, {}
        for (name, photo), path in zip(chosen, paths, strict=True):
            originals_draft[name] = fingerprint(open_image(str(path)))
            originals_full[name] = fingerprint(prepare(Image.open(path)))
            big = photo.resize(MEGAPIXELS_12, Image.Resampling.LANCZOS)
            for alteration, change in TRANSFORMATIONS.items():
                copy = Path(scratch) / "copy.jpg"
                change(big).save(copy, "JPEG", quality=92)
                copies_draft[(name, alteration)] = fingerprint(open_image(str(copy)))
                copies_full[(name, alteration)] = fingerprint(prepare(Image.open(copy)))
        for label, originals, copies in (
            ("draft decoding", originals_draft, copies_draft),
            ("full decoding", originals_full, copies_full),
        ):
            _, _, _, positive, negative = _best(originals, copies, distance)  # type: ignore[arg-type]
            recall = sum(d <= DEFAULT_THRESHOLD for d in positive) / len(positive)
            false = sum(d <= DEFAULT_THRESHOLD for d in negative)
            print(f"   12 MP copies, {label:<15} at {DEFAULT_THRESHOLD} bits: recall {recall:.3f}, false {false}")
        apart = [distance(originals_draft[n], originals_full[n]) for n in originals_draft]
        mean = statistics.mean(apart)
        print(f"   draft vs full decoding of one photo: {mean:.1f} bits apart on average, {max(apart)} at most")


def _stored(rng: np.random.Generator, pictures: int, real: list[Fingerprint]) -> dict[Family, tuple[U64, I64]]:
    """Codes and picture numbers per family: random pictures, then the real photographs.

    Each picture has a full code, a centre code and six probes, as fingerprint() makes them.
    """
    random = {Family.FULL: 1, Family.CENTRE: 1, Family.PROBE: 6}
    ids = np.arange(pictures, dtype=np.int64)
    real_ids = np.arange(pictures, pictures + len(real), dtype=np.int64)
    real_codes = {
        Family.FULL: [p.full for p in real],
        Family.CENTRE: [p.centre for p in real],
        Family.PROBE: [c for p in real for c in p.probes],
    }
    stored = {}
    for family, per_picture in random.items():
        codes = rng.integers(0, 2**63, pictures * per_picture, dtype=np.int64).view(np.uint64) << np.uint64(1)
        stored[family] = (
            np.concatenate([codes, as_codes(real_codes[family])]),
            np.concatenate([np.repeat(ids, per_picture), np.repeat(real_ids, per_picture)]),
        )
    return stored


def _scan(stored: dict[Family, tuple[U64, I64]], query: Fingerprint, threshold: int) -> dict[int, int]:
    """What Matcher.search answers, by comparing the query with every stored code."""
    found: dict[int, int] = {}
    for family, code in query.codes():
        for other in COMPATIBLE[family]:
            codes, ids = stored[other]
            positions, bits = brute_force(codes, code, threshold)
            for ref, d in zip(ids[positions].tolist(), bits.tolist(), strict=True):
                found[ref] = min(d, found.get(ref, 65))
    return found


def index(photos: dict[str, Image.Image], sizes: Sequence[int], threshold: int) -> None:
    queries = [fingerprint(prepare(change(photo))) for photo in photos.values() for change in TRANSFORMATIONS.values()]
    real = [fingerprint(prepare(photo)) for photo in photos.values()]
    print(f"\n3. Query latency and memory: {len(queries)} queries (altered photographs), threshold {threshold} bits")
    print(
        f"   {'stored codes':>12} {'pictures':>10} {'index MB':>9} {'build s':>8} {'median ms':>10} {'p95 ms':>8} "
        f"{'scan median ms':>15} {'speed-up':>9}"
    )
    rng = np.random.default_rng(7)
    for size in sizes:
        stored = _stored(rng, size // 8, real)
        started = time.perf_counter()
        matcher = Matcher()
        for family, (codes, ids) in stored.items():
            matcher.add_codes(family, codes, ids)
        built = time.perf_counter() - started
        latencies, scans = [], []
        for query in queries:
            started = time.perf_counter()
            matcher.search(query, threshold)
            latencies.append(time.perf_counter() - started)
        for query in queries[:: max(1, len(queries) // 40)]:
            started = time.perf_counter()
            expected = _scan(stored, query, threshold)
            scans.append(time.perf_counter() - started)
            assert matcher.search(query, threshold) == expected, "the index and the scan disagree"
        median, p95 = statistics.median(latencies), float(np.percentile(latencies, 95))
        scan_median = statistics.median(scans)
        print(
            f"   {len(matcher):>12,} {size // 8:>10,} {matcher.nbytes / 1e6:>9.0f} {built:>8.1f} "
            f"{1000 * median:>10.2f} {1000 * p95:>8.2f} {1000 * scan_median:>15.2f} {scan_median / median:>8.1f}x"
        )
        del matcher, stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000,10000000", help="stored codes, comma-separated")
    parser.add_argument("--big", type=int, default=12, help="12 MP JPEGs to hash")
    parser.add_argument("--threshold", type=int, default=DEFAULT_THRESHOLD, help="bits, for the query latency")
    parser.add_argument("--only-index", action="store_true", help="skip quality and throughput")
    parser.add_argument("--write-reference", action="store_true")
    args = parser.parse_args()
    photos = photographs()
    if not args.only_index:
        quality(photos, args.write_reference)
        throughput(photos, args.big)
    index(photos, [int(s) for s in args.sizes.split(",")], args.threshold)


if __name__ == "__main__":
    main()

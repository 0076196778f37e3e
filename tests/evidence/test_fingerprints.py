"""Perceptual fingerprints on real photographs, the Hamming index against a full scan, and media analysis."""

from __future__ import annotations

import itertools
from pathlib import Path

import av
import imagehash
import numpy as np
import pytest
from PIL import Image

from evidence import media
from evidence.errors import ImageRefused
from evidence.fingerprints import DEFAULT_THRESHOLD, Fingerprint, distance
from evidence.hamming import HammingIndex, as_codes, brute_force
from evidence.matcher import Matcher
from evidence.perceptual import fingerprint, prepare
from tests.photos import TRANSFORMATIONS, photographs


@pytest.fixture(scope="module")
def photos() -> dict[str, Image.Image]:
    # scikit-image's photographs only, so that the test sees the same set on every machine.
    return photographs(opencv_doc=None)


@pytest.fixture(scope="module")
def prints(photos: dict[str, Image.Image]) -> dict[tuple[str, str], Fingerprint]:
    found = {}
    for name, photo in photos.items():
        found[(name, "original")] = fingerprint(prepare(photo))
        for alteration, change in TRANSFORMATIONS.items():
            found[(name, alteration)] = fingerprint(prepare(change(photo)))
    return found


def test_altered_copies_match_their_original_and_nothing_else(prints: dict[tuple[str, str], Fingerprint]) -> None:
    names = sorted({name for name, _ in prints})
    copies = [(name, alteration) for name, alteration in prints if alteration != "original"]
    matched = [
        distance(prints[(name, "original")], prints[(name, alteration)]) <= DEFAULT_THRESHOLD
        for name, alteration in copies
    ]
    assert sum(matched) / len(matched) >= 0.95
    for a, b in itertools.combinations(names, 2):
        for alteration in ("original", *TRANSFORMATIONS):
            assert distance(prints[(a, "original")], prints[(b, alteration)]) > DEFAULT_THRESHOLD, (a, b, alteration)


def test_the_matcher_finds_more_than_plain_phash(
    photos: dict[str, Image.Image], prints: dict[tuple[str, str], Fingerprint]
) -> None:
    plain = {name: imagehash.phash(photo) for name, photo in photos.items()}
    altered = {
        (name, a): imagehash.phash(change(photo))
        for name, photo in photos.items()
        for a, change in TRANSFORMATIONS.items()
    }
    # pHash at the best threshold it can have without a false match on these photographs.
    closest_wrong = min(plain[a] - h for (b, _), h in altered.items() for a in plain if a != b)
    phash_recall = np.mean([plain[name] - h < closest_wrong for (name, _), h in altered.items()])
    ours = np.mean(
        [distance(prints[(n, "original")], p) <= DEFAULT_THRESHOLD for (n, a), p in prints.items() if a != "original"]
    )
    assert ours >= phash_recall + 0.1


def test_a_border_is_trimmed_and_greyscale_changes_nothing(photos: dict[str, Image.Image]) -> None:
    photo = photos["chelsea.png"]
    original = fingerprint(prepare(photo))
    assert fingerprint(prepare(photo.convert("L"))).full == original.full
    framed = TRANSFORMATIONS["white border"](photo)
    assert bin(fingerprint(prepare(framed)).full ^ original.full).count("1") <= 4


@pytest.mark.parametrize("size", [10, 5000, 300_000])
def test_the_index_finds_exactly_what_a_full_scan_finds(size: int) -> None:
    rng = np.random.default_rng(size)
    codes = rng.integers(0, 2**63, size=size, dtype=np.int64).view(np.uint64) << np.uint64(1)
    ids = np.arange(size, dtype=np.int64) * 7
    index = HammingIndex(codes[: size // 2], ids[: size // 2])
    for start in range(size // 2, size, max(1, size // 10)):  # into the tail, merged, or rebuilt
        index.add(codes[start : start + max(1, size // 10)], ids[start : start + max(1, size // 10)])
    assert len(index) == size
    for radius in (0, 3, 12, 14):
        # Stored codes with up to radius + 2 bits flipped: some within reach, some just beyond.
        queries = [
            int(codes[p]) ^ sum(1 << int(b) for b in rng.choice(64, int(rng.integers(0, radius + 3)), replace=False))
            for p in rng.integers(0, size, 20)
        ]
        numbers, found, distances = index.search(queries, radius)
        got = set(zip(numbers.tolist(), found.tolist(), distances.tolist(), strict=True))
        expected = set()
        for number, query in enumerate(queries):
            positions, bits = brute_force(codes, query, radius)
            expected |= {(number, int(ids[p]), int(b)) for p, b in zip(positions, bits, strict=True)}
        assert got == expected
        assert len({number for number, _, _ in got}) >= 5


def test_signed_database_integers_are_the_same_codes() -> None:
    assert as_codes(np.array([-1, 5], dtype=np.int64)).tolist() == [2**64 - 1, 5]
    assert as_codes([2**64 - 1, 5]).tolist() == [2**64 - 1, 5]


def test_the_matcher_agrees_with_the_distance(prints: dict[tuple[str, str], Fingerprint]) -> None:
    keys = list(prints)
    matcher = Matcher()
    matcher.add(list(range(len(keys))), [prints[k] for k in keys])
    query = prints[("coffee.png", "5 % crop")]
    found = matcher.search(query, DEFAULT_THRESHOLD)
    expected = {i: distance(query, prints[k]) for i, k in enumerate(keys)}
    assert found == {i: d for i, d in expected.items() if d <= DEFAULT_THRESHOLD}
    assert {keys[i][0] for i in found} == {"coffee.png"}


def _video(path: Path, picture: Image.Image, frames: int = 30) -> None:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        stream.options = {"g": "10"}
        for _ in range(frames):
            for packet in stream.encode(av.VideoFrame.from_image(picture.resize((320, 240)))):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def test_pdf_pages_and_video_key_frames_match_the_photograph(tmp_path: Path, photos: dict[str, Image.Image]) -> None:
    photo = photos["astronaut.png"]
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = "Canon", "EOS R5", "2026:03:14 09:30:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (31.0, 13.0, 48.0), "E", (121.0, 28.0, 12.0)
    photo.save(tmp_path / "photo.jpg", exif=exif)
    photo.save(tmp_path / "listing.pdf", save_all=True, append_images=[photos["coffee.png"]])
    _video(tmp_path / "clip.mp4", photo)
    results = {}
    for name, media_type in (
        ("photo.jpg", "image/jpeg"),
        ("listing.pdf", "application/pdf"),
        ("clip.mp4", "video/mp4"),
    ):
        out = tmp_path / f"{name}-previews"
        out.mkdir()
        results[name] = media.analyse(tmp_path / name, media_type, out)
        assert all(frame.preview.read_bytes()[:2] == b"\xff\xd8" for frame in results[name].frames)
    image = results["photo.jpg"]
    assert image.meta["camera"] == "Canon EOS R5"
    assert image.meta["captured_at"] == "2026:03:14 09:30:00"
    assert image.meta["gps"] == [31.23, 121.47]
    pdf = results["listing.pdf"]
    assert pdf.meta["pages"] == 2 and len(pdf.frames) == 2
    video = results["clip.mp4"]
    assert video.meta["duration_seconds"] == pytest.approx(3.0, abs=0.2)
    assert video.meta["codec"] == "h264"
    assert [f.at_seconds for f in video.frames] == [0.0, 1.0, 2.0]
    shown = image.frames[0].fingerprint
    assert distance(pdf.frames[0].fingerprint, shown) <= DEFAULT_THRESHOLD
    assert distance(pdf.frames[1].fingerprint, shown) > DEFAULT_THRESHOLD
    assert all(distance(f.fingerprint, shown) <= DEFAULT_THRESHOLD for f in video.frames)


def test_a_file_that_is_not_what_it_claims_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "listing.pdf"
    bogus.write_bytes(b"%PDF-1.4\nthis is no PDF at all")
    (tmp_path / "out").mkdir()
    with pytest.raises(ImageRefused, match="could not be decoded"):
        media.analyse(bogus, "application/pdf", tmp_path / "out")
    bomb = tmp_path / "bomb.png"
    Image.new("1", (12_000, 12_000)).save(bomb)  # 144 megapixels in a few kilobytes
    with pytest.raises(ImageRefused, match="more pixels than accepted"):
        media.analyse(bomb, "image/png", tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []  # a refusal leaves no preview behind

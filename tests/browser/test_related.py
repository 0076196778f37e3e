"""Related evidence in headless Chromium against gunicorn with a real `portal worker` beside it: a copy
of a shop photo in a second complaint shows up on the first within seconds, side by side; the
prosecutor walks the evidence with the keyboard and links the cluster into one case."""

from __future__ import annotations

import io
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from portal.mail import SMTP_TIMEOUT
from tests.browser.test_proceedings import HOLDER, PROSECUTOR, api, sign_in, trademark
from tests.gunicorn import BIN, ROOT, Portal
from tests.photos import TRANSFORMATIONS, photographs

TEXT = {
    "en": {
        "related": "Related evidence",
        "identical": "Identical file",
        "link": "Link into one case",
        "linked": "linked to case",
        "clusters": "Evidence clusters",
        "camera": "Camera",
    },
    "zh": {
        "related": "关联证据",
        "identical": "完全相同的文件",
        "link": "并为一案",
        "linked": "并入案件",
        "clusters": "证据群组",
        "camera": "相机",
    },
}


def jpeg(image: Image.Image, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, **options)
    return out.getvalue()


@pytest.fixture
def worker(portal: tuple[str, Portal]) -> Iterator[subprocess.Popen[bytes]]:
    _, server = portal
    process = subprocess.Popen([str(BIN / "portal"), "worker", "--poll", "0.5"], env=server.env, cwd=ROOT)
    yield process
    process.send_signal(signal.SIGINT)
    # It stops once its round is done, which may include an e-mail waiting on a busy machine's SMTP server.
    process.wait(SMTP_TIMEOUT * 2)


def test_related_evidence_clusters_and_workspace(
    portal: tuple[str, Portal], worker: subprocess.Popen[bytes], page: Page, tmp_path: Path
) -> None:
    language, server = portal
    text = TEXT[language]
    server.cli("demo", "seed", "--accounts-only")
    holder = server.cli("tokens", "create", "--email", HOLDER)
    prosecutor = server.cli("tokens", "create", "--email", PROSECUTOR)
    right = trademark(server, holder)
    photo = photographs(opencv_doc=None)["coffee.png"]
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = "Canon", "EOS R5", "2026:09:30 10:12:00"

    def complaint(title: str, files: dict[str, bytes]) -> tuple[int, list[int]]:
        body = {
            "title": title,
            "facts": "A shop sells cups bearing our mark.",
            "right_ids": [right],
            "infringers": [{"name": "Fake Cups", "shop_urls": ["https://cups.example/"]}],
        }
        made = api(server, holder, "POST", "/complaints", body)
        ids = [
            api(
                server,
                holder,
                "POST",
                f"/complaints/{made['id']}/evidence?kind=photo_of_goods",
                data,
                Content_Disposition=f'attachment; filename="{name}"',
            )["id"]
            for name, data in files.items()
        ]
        api(server, holder, "POST", f"/complaints/{made['id']}/submit")
        return made["id"], ids

    first, (shop, _label) = complaint(
        "Counterfeit cups, March",
        {"shop.jpg": jpeg(photo, exif=exif), "label.jpg": jpeg(photographs(None)["rocket.jpg"])},
    )
    altered = TRANSFORMATIONS["text watermark"](TRANSFORMATIONS["5 % crop"](photo))
    second, (copy, again) = complaint(
        "Counterfeit cups, May", {"listing.jpg": jpeg(altered), "again.jpg": jpeg(photo, exif=exif)}
    )

    sign_in(page, server.url, PROSECUTOR, language)
    # The worker analyses and matches in the background; any gunicorn worker shows the result.
    page.goto(f"{server.url}/review/complaints/{first}")
    related = page.locator("#related")
    for _ in range(60):
        if related.locator(".pair").count() >= 2:
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(related).to_contain_text(text["related"])
    expect(related.locator(".pair")).to_have_count(2)
    expect(related).to_contain_text(text["identical"])
    expect(related).to_contain_text("listing.jpg")
    expect(related.locator(f'a[href="/review/complaints/{second}"]').first).to_be_visible()
    page.screenshot(path=str(tmp_path / f"related-{language}.png"), full_page=True)

    # The workspace: previews, what the file says, and keyboard navigation through the complaint's evidence.
    page.goto(f"{server.url}/review/evidence/{shop}")
    expect(page.locator("#picture")).to_be_visible()
    expect(page.locator("#file-metadata")).to_contain_text("Canon EOS R5")
    expect(page.locator("#file-metadata")).to_contain_text(text["camera"])
    page.screenshot(path=str(tmp_path / f"workspace-{language}.png"), full_page=True)
    keys_ready = page.locator("html[data-keys=ready]")
    expect(keys_ready).to_have_count(1)
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(f"{server.url}/review/evidence/{_label}")
    expect(keys_ready).to_have_count(1)  # the new page's handler, not the old one's
    page.keyboard.press("ArrowLeft")
    expect(page).to_have_url(f"{server.url}/review/evidence/{shop}")

    # Clusters: accept the first complaint into a case, then link the second into it from the cluster.
    api(
        server,
        prosecutor,
        "POST",
        f"/complaints/{first}/decision",
        {"action": "accept", "case": {"case_number": "沪检知刑诉〔2026〕101号", "procuratorate": "P", "charges": "C"}},
    )
    page.goto(f"{server.url}/review/clusters")
    expect(page.locator("h1")).to_contain_text(text["clusters"])
    cluster = page.locator(".cluster").first
    expect(cluster.locator(".strip .side")).to_have_count(3)
    page.screenshot(path=str(tmp_path / f"clusters-{language}.png"), full_page=True)
    # The case picker offers the cases whose number holds what is typed.
    expect(page.locator("html[data-case-picker=ready]")).to_have_count(1)
    picker = cluster.locator("input[name=case]")
    expect(picker).to_have_value("沪检知刑诉〔2026〕101号")
    picker.fill("〔2026〕10")
    offered = cluster.locator("datalist option[value='沪检知刑诉〔2026〕101号']")
    expect(offered).to_have_count(1)
    picker.fill("沪检知刑诉〔2026〕101号")
    cluster.locator("button", has_text=text["link"]).click()
    expect(page.locator(".flash")).to_contain_text(text["linked"])
    linked = api(server, prosecutor, "GET", f"/complaints/{second}")
    assert linked["status"] == "accepted" and linked["case_id"] is not None
    assert {copy, again} <= {i["id"] for i in linked["evidence"]}
    if os.environ.get("SCREENSHOTS"):
        for shot in tmp_path.glob("*.png"):
            (Path(os.environ["SCREENSHOTS"]) / shot.name).write_bytes(shot.read_bytes())

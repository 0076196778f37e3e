"""Keys that show two complaints name the same infringer, however each rights holder wrote it.

A company name is reduced to its distinctive part: full-width forms folded
(NFKC), traditional characters made simplified (OpenCC), case and
punctuation dropped, and legal forms removed from the end ("Co., Ltd.",
"GmbH & Co. KG", "有限公司"...). A shop URL gives the shop itself on a
marketplace (a Taobao shop number, an Amazon seller id) and the registrable
domain anywhere else, so two shops on one platform never look alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from urllib.parse import parse_qs, urlsplit

from cleanco import prepare_default_terms
from opencc import OpenCC
from publicsuffixlist import PublicSuffixList

NAME, DOMAIN, SHOP = "name", "domain", "shop"

# Chinese legal forms, longest first; cleanco covers the Latin ones of many countries.
CHINESE_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限合伙企业",
    "有限公司",
    "集团公司",
    "分公司",
    "公司",
    "集团",
    "商行",
    "经营部",
    "个体工商户",
)
LATIN_TOKEN = re.compile(r"[a-z0-9]+")
KEPT = re.compile(r"[\w]+")
INITIALISM_DOT = re.compile(r"\b(\w)\.(?=\w\b)")


@cache
def _to_simplified() -> OpenCC:
    return OpenCC("t2s")


@cache
def _latin_forms() -> list[list[str]]:
    """cleanco's legal-form terms as token lists, longest first."""
    terms = {tuple(LATIN_TOKEN.findall(" ".join(tokens))) for _length, tokens in prepare_default_terms()}
    terms |= {("co", "ltd"), ("co", "limited"), ("company", "limited"), ("ltd",), ("co",), ("corp",), ("inc",)}
    return sorted((list(t) for t in terms if t), key=len, reverse=True)


@cache
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList()


def fold(text: str) -> str:
    """Full-width to half-width, traditional to simplified, case-folded."""
    return _to_simplified().convert(unicodedata.normalize("NFKC", text)).casefold()


def name_key(name: str) -> str | None:
    """The distinctive part of a company or shop name; None when nothing distinctive is left."""
    # Initialisms as legal forms are written ("S.A.R.L.", "G.m.b.H."): drop their dots first.
    text = INITIALISM_DOT.sub(r"\1", fold(name))
    changed = True
    while changed:
        changed = False
        stripped = text.strip(" .,;:()（）-&")
        for form in CHINESE_FORMS:
            if stripped == form:
                return None  # a legal form and nothing else
            if stripped.endswith(form):
                text, changed = stripped[: -len(form)], True
                break
        tokens = LATIN_TOKEN.findall(text)
        for terms in _latin_forms():
            if tokens == terms:
                return None
            if len(tokens) > len(terms) and tokens[-len(terms) :] == terms:
                text = _cut_tokens(text, len(terms))
                changed = True
                break
    key = "".join(KEPT.findall(text)).replace("_", "")
    return key if len(key) >= 2 else None


def _cut_tokens(text: str, count: int) -> str:
    """``text`` without its last ``count`` Latin tokens (and what follows them)."""
    matches = list(LATIN_TOKEN.finditer(text))
    return text[: matches[-count].start()]


def _query(url: str, name: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get(name)
    return values[0] if values and values[0].strip() else None


def _path_after(path: str, marker: str) -> str | None:
    parts = [p for p in path.split("/") if p]
    if marker in parts and parts.index(marker) + 1 < len(parts):
        return parts[parts.index(marker) + 1]
    return None


# Marketplaces where many sellers share one domain: how to find the seller in a URL.
def _taobao(host: str, url: str) -> str | None:
    match = re.fullmatch(r"shop(\d+)\.(?:m\.)?taobao\.com", host)
    return match.group(1) if match else _query(url, "user_number_id") or _query(url, "shop_id")


def _subdomain_shop(host: str, url: str, platform: str) -> str | None:
    head = host[: -len(platform) - 1] if host.endswith("." + platform) else ""
    labels = [label for label in head.split(".") if label not in {"www", "m", "en", "detail", "item"}]
    return labels[-1] if labels else None


def _jd(host: str, url: str) -> str | None:
    match = re.search(r"/index-(\d+)\.html", urlsplit(url).path)
    return match.group(1) if match else _query(url, "shopId")


PLATFORMS: dict[str, Callable[[str, str], str | None]] = {
    "taobao.com": _taobao,
    "tmall.com": lambda host, url: _subdomain_shop(host, url, "tmall.com") or _query(url, "shopId"),
    "jd.com": _jd,
    "yangkeduo.com": lambda host, url: _query(url, "mall_id"),
    "pinduoduo.com": lambda host, url: _query(url, "mall_id"),
    "1688.com": lambda host, url: _subdomain_shop(host, url, "1688.com"),
    "alibaba.com": lambda host, url: _subdomain_shop(host, url, "alibaba.com"),
    "aliexpress.com": lambda host, url: _path_after(urlsplit(url).path, "store"),
    "weidian.com": lambda host, url: _query(url, "userid"),
    "amazon.com": lambda host, url: _query(url, "seller") or _query(url, "me"),
    "ebay.com": lambda host, url: _path_after(urlsplit(url).path, "str") or _path_after(urlsplit(url).path, "usr"),
    "etsy.com": lambda host, url: _path_after(urlsplit(url).path, "shop"),
    "shopee.cn": lambda host, url: _path_after(urlsplit(url).path, "shop"),
}


def url_key(url: str) -> tuple[str, str] | None:
    """(shop, "platform:seller") on a marketplace, (domain, registrable domain) elsewhere."""
    raw = fold(url.strip())
    if "://" not in raw:
        raw = "http://" + raw
    try:
        host = (urlsplit(raw).hostname or "").rstrip(".")
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    registrable = _suffixes().privatesuffix(host)
    if registrable is None:
        return None
    platform = registrable.split(".", 1)[0]
    # Amazon and eBay run one shop under many country domains (amazon.co.uk, ebay.de).
    family = next((p for p in PLATFORMS if p.split(".", 1)[0] == platform), None)
    if family is not None:
        seller = PLATFORMS[family](host, raw)
        return (SHOP, f"{family}:{seller.casefold()}") if seller else None
    return DOMAIN, registrable


def keys(name: str, urls: Iterable[str]) -> set[tuple[str, str]]:
    """Every key of one named infringer with its shop URLs (values cut to the column's 300 characters)."""
    distinctive = name_key(name)
    found = {(NAME, distinctive)} if distinctive else set()
    found |= {shop for url in urls if (shop := url_key(url)) is not None}
    return {(kind, value[:300]) for kind, value in found}

"""Shared by the web tests: a small hand-made case (hostile files included), users, logging in."""

from __future__ import annotations

import re
from pathlib import Path

PASSWORDS = {"alice": "alice-password-1", "ed": "editor-password-2", "vic": "viewer-password-3"}
ROLES = {"alice": "admin", "ed": "editor", "vic": "viewer"}
ID_A = "653121199001011222"  # valid check digits (GB 11643)
ID_B = "653121198502023315"
# Markers a hostile file would set or fetch if its script ever ran.
HOSTILE_HTML = (
    "<html><head><title>evil</title></head><body><p>收押 hostile page</p>"
    '<script>document.title="PWNED";window.__pwned=1;alert("pwned");fetch("/pwned-html")</script>'
    '<img src=x onerror="window.__pwned=2;alert(2)"></body></html>'
)
HOSTILE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=3;alert(3);fetch(\'/pwned-svg\')" '
    'width="10" height="10"><script>window.__pwned=4;alert(4)</script><text x="1" y="9">收押</text></svg>'
)

HOSTILE_TEXT = (
    '收押 <script>window.__pwned=5;alert(5)</script><img src=x onerror="window.__pwned=6;alert(6)">'
)
HOSTILE_NAME = '<img src=x onerror="window.__pwned=7;alert(7)">.txt'  # a file name is cache content too


def write_sources(src: Path) -> Path:
    """A few files: a person list, a photo named by ID number, a notice, a hostile HTML page and SVG."""
    from PIL import Image

    src.mkdir(parents=True, exist_ok=True)
    (src / "evil.html").write_text(HOSTILE_HTML, encoding="utf-8")
    (src / "evil.svg").write_text(HOSTILE_SVG, encoding="utf-8")
    (src / "evil.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    (src / HOSTILE_NAME).write_text("收押 a hostile file name", encoding="utf-8")
    (src / "名单.csv").write_text(
        "姓名,性别,身份证号,出生日期,住址,收押日期\n"
        f"阿依古丽·吐尔逊,女,{ID_A},1990-01-01,疏附县,2018-03-02\n"
        f"买合买提·达吾提,男,{ID_B},1985-02-02,疏附县,2018-04-05\n",
        encoding="utf-8-sig",
    )
    (src / "notice.txt").write_text(f"关于收押人员的通知\n{ID_A} 已收押", encoding="utf-8")
    Image.new("RGB", (40, 30), (200, 100, 50)).save(src / f"photo_{ID_A}.jpg", quality=80)
    return src


def make_case(work: Path) -> Path:
    """Ingest the small sources into ``work/case`` and add the three users; returns the case folder."""
    from unsealed.ingest.pipeline import IngestOptions, ingest
    from unsealed.store.case import Case

    src = write_sources(work / "src")
    with Case.open(work / "case", create=True) as case:
        ingest(case, [src], IngestOptions(workers=1))
    add_users(work / "case")
    return work / "case"


def add_users(case_dir: Path) -> None:
    from unsealed.web import auth, db

    conn = db.open_writable(case_dir)
    try:
        for name, role in ROLES.items():
            auth.add_user(conn, name, role, PASSWORDS[name], reset=True)
    finally:
        conn.close()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)


def login(client, name: str, password: str | None = None):
    """Log the TestClient in through the real form; returns the final response."""
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "user": name,
            "password": password or PASSWORDS[name],
            "csrf": csrf_of(page.text),
            "next": "/search",
        },
    )

"""End to end in real headless Chromium (the system browser, driven by Playwright for Python).

A synthetic cache of 200 people plus a hostile HTML page and SVG is ingested, the workbench is
served by uvicorn on a free loopback port, and a reporter's session is played: log in, search a
Chinese word, open a hit, open a person, add a note, read the audit log. The hostile files are
viewed and downloaded and no script of theirs may run. Screenshots go to test-artifacts/web/.
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from tests.web.helpers import HOSTILE_NAME, PASSWORDS, add_users, write_sources

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="no system Chromium at /usr/bin/chromium: install it with "
    "'apt-get install chromium' (scripts/setup.sh --test does)",
)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    import uvicorn

    from unsealed.ingest.pipeline import IngestOptions, ingest
    from unsealed.store.case import Case
    from unsealed.synth import synthesize
    from unsealed.web import create_app

    work = tmp_path_factory.mktemp("browser")
    synthesize(work / "s", people=200, seed=5)
    hostile = write_sources(work / "hostile")
    with Case.open(work / "case", create=True) as case:
        ingest(case, [work / "s" / "cache", hostile], IngestOptions(workers=2))
    add_users(work / "case")
    port = free_port()
    app = create_app(work / "case", allowed_hosts=["127.0.0.1", "localhost"])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", work / "case"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with sync_api.sync_playwright() as p:
        # a fresh profile: launch_persistent_context would reuse one; launch() makes a temporary one
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def shot(page, name: str, full: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def log_in(page, base: str, user: str = "alice") -> None:
    page.goto(f"{base}/search")
    assert "/login" in page.url
    page.fill("#user", user)
    page.fill("#password", PASSWORDS[user])
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base}/search")


def test_a_reporters_session(site, browser):
    base, case_dir = site
    page = browser.new_page(viewport={"width": 1360, "height": 900}, locale="zh-CN")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    shot_login = page.goto(f"{base}/login")
    assert shot_login.status == 200
    shot(page, "01-login")
    log_in(page, base)

    page.fill("#q", "收押")
    page.press("#q", "Enter")
    page.wait_for_selector(".hit")
    assert page.locator(".hit mark").first.inner_text() == "收押"
    assert page.locator(".facets h3").count() >= 2
    shot(page, "02-search-收押")

    first = page.locator(".hit h3 a").first
    path = first.inner_text()
    first.click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == path
    assert page.locator("text=Provenance").count() == 1
    shot(page, "03-item")

    page.goto(f"{base}/search?q=653121&type=sheet")  # a row hit opens the grid at that row
    page.locator(".hit h3 a").first.click()
    page.wait_for_selector("table.grid tr.hit")
    assert page.locator("table.grid tr.hit").is_visible()
    assert "653121" in page.locator("table.grid tr.hit").inner_text()
    shot(page, "03b-sheet-row")

    conn = sqlite3.connect(case_dir / "catalog.sqlite")
    scanned = conn.execute(
        "SELECT i.id FROM items i JOIN pages p ON p.sha256 = i.sha256 WHERE p.source = 'ocr'"
        " AND p.text != '' LIMIT 1"
    ).fetchone()
    conn.close()
    assert scanned, "the synthetic cache holds scans: their OCR text should be in the catalog"
    page.goto(f"{base}/items/{scanned[0]}")
    assert page.locator(".page .badge.ocr").count() >= 1  # OCR text is marked as such

    page.goto(f"{base}/people?detained=1")
    page.locator("table.list tbody a").first.click()
    page.wait_for_selector(".person-head h1")
    name = page.locator(".person-head h1").inner_text()
    assert name and page.locator("table.values").count() == 1
    photos = page.locator(".person-head img")
    if photos.count():
        assert photos.first.evaluate("img => img.complete && img.naturalWidth > 0")
    shot(page, "04-person")

    note = "核实：照片与名单一致 — checked by the browser test"
    page.fill("#note-text", note)
    page.click("form.add-note button")
    page.wait_for_selector(".note")
    assert note in page.locator(".note").last.inner_text()
    assert "alice" in page.locator(".note header").last.inner_text()
    shot(page, "05-note")

    page.goto(f"{base}/admin/audit")
    table = page.locator("table.audit").inner_text()
    for action in ("login", "search", "view_item", "view_person", "note"):
        assert action in table, action
    assert "收押" in table
    shot(page, "06-audit")

    page.goto(f"{base}/figures")
    page.wait_for_selector(".card", timeout=60_000)  # counted in the background; the page refreshes itself
    assert page.locator(".card").count() >= 10
    page.wait_for_function(
        "() => [...document.querySelectorAll('.chart img')].every(i => i.complete)", timeout=60_000
    )
    shot(page, "07-figures", full=True)

    page.goto(f"{base}/composite")
    page.wait_for_selector("img[usemap]", timeout=60_000)
    page.locator("img[usemap]").click(position={"x": 5, "y": 5})
    page.wait_for_url(f"{base}/people/p*")
    assert page.locator(".person-head h1").count() == 1

    page.goto(f"{base}/verify")
    page.wait_for_selector(".check", timeout=60_000)
    assert page.locator(".verdict .badge").inner_text() in ("pass", "warn", "fail")
    shot(page, "08-verify")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    page.close()


def test_hostile_html_and_svg_never_run(site, browser):
    base, case_dir = site
    conn = sqlite3.connect(case_dir / "catalog.sqlite")
    names = ("evil.html", "evil.svg", "evil.txt", HOSTILE_NAME)
    ids = {p: i for i, p in conn.execute("SELECT id, path FROM items") if p in names}
    conn.close()
    assert set(ids) == set(names)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    dialogs: list[str] = []
    requests: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    context.on("request", lambda r: requests.append(r.url))
    log_in(page, base)
    page.goto(f"{base}/search?q=收押&path=evil*")
    page.goto(f"{base}/search?q=收押")
    assert page.locator(".hit h3 a", has_text="onerror").count() >= 1  # the name shown as text
    for k, (name, item) in enumerate(ids.items()):
        page.goto(f"{base}/items/{item}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => window.__pwned") is None
        assert page.title() != "PWNED"
        shot(page, f"09-hostile-{k}")
        with page.expect_download() as info:
            page.click("a.button[download]")
        download = info.value
        assert download.suggested_filename.endswith(Path(name).suffix)  # Chromium replaces < > " in names
        assert Path(download.path()).read_bytes() == (case_dir.parent / "hostile" / name).read_bytes()
        try:  # straight to the original: it must download, never render
            page.goto(f"{base}/items/{item}/download")
        except sync_api.Error as exc:
            assert "Download is starting" in str(exc) or "ERR_ABORTED" in str(exc)
        page.goto(f"{base}/items/{item}/image")  # not a raster image: refused
        assert "not an image" in page.content()
        assert page.evaluate("() => window.__pwned") is None
    page.wait_for_timeout(300)
    assert dialogs == []
    assert not [u for u in requests if "pwned" in u], requests
    context.close()

"""The published site in headless Chromium, from file:// and from a plain static web server.

Search a name, open the person, see the masked ID; screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import shutil
import threading
from collections import Counter
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright is a test dependency: pip install -e '.[test]'")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is needed: apt-get install chromium", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(site):
    out, _ = site
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = partial(Quiet, directory=str(out))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def _someone(truth: dict) -> dict:
    """A detained, photographed person whose name no one else has."""
    counts = Counter(p["name"] for p in truth["persons"])
    return next(p for p in truth["persons"] if p["detained"] and p["photos"] and counts[p["name"]] == 1
                and len(p["name"]) >= 5)


def _search_and_open(browser, base: str, person: dict, shot: str) -> None:
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"error: {e}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.goto(base + "index.html")
    given = person["name"].split("·")[0]
    page.fill("#q", given)
    link = page.locator("#results a.hit", has_text=person["name"])
    link.first.wait_for(timeout=10_000)
    assert float(page.get_attribute("#results", "data-ms")) < 200
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{shot}-search.png"), full_page=True)
    link.first.click()
    page.wait_for_selector("h1")
    text = page.inner_text("main")
    assert person["name"] in text
    assert person["id_number"][:10] + "********" in text
    assert person["id_number"] not in page.content()
    assert person["facility"] in text
    img = page.locator(".photos img").first
    assert img.evaluate("i => i.complete && i.naturalWidth > 0")
    page.screenshot(path=str(ARTIFACTS / f"{shot}-person.png"), full_page=True)

    # the masked ID number finds the person too; the full number is matched on its first 10 characters
    page.goto(base + "index.html")
    page.fill("#q", person["id_number"])
    page.locator("#results a.hit", has_text=person["name"]).first.wait_for(timeout=10_000)
    assert "first 10 characters" in page.inner_text("#results-info")
    page.close()
    assert problems == []


def test_file_url(browser, site, synth_case):
    out, _ = site
    _search_and_open(browser, out.as_uri() + "/", _someone(synth_case[1]), "publish-file")


def test_static_server(browser, server, synth_case):
    _search_and_open(browser, server, _someone(synth_case[1]), "publish-http")


def test_pinyin_and_composite(browser, server, site, synth_case):
    out, _ = site
    person = _someone(synth_case[1])
    page = browser.new_page()
    page.goto(server + "index.html")
    from unsealed.records.names import pinyin

    page.fill("#q", pinyin(person["name"])[:8])
    page.locator("#results a.hit", has_text=person["name"]).first.wait_for(timeout=10_000)
    page.goto(server + "composite.html")
    assert page.evaluate("document.querySelector('img[usemap]').naturalWidth") > 0
    hrefs = page.eval_on_selector_all("map area", "as => as.map(a => a.getAttribute('href'))")
    assert len(hrefs) >= 80 and all((out / h).exists() for h in hrefs)
    page.evaluate("document.querySelector('map area').click()")
    page.wait_for_url("**/people/p*.html")
    assert "********" in page.inner_text("h1")
    page.close()


def test_search_stays_fast_with_20000_people(browser, tmp_path):
    """A 20,000-person index (made up here) loads from file:// and answers within tens of milliseconds."""
    import random
    from importlib import resources

    from unsealed.publish.collect import PublicPerson
    from unsealed.publish.pages import Renderer
    from unsealed.publish.search_index import write_index

    rng = random.Random(5)
    syllables = "阿布都热合曼买提古丽努尔艾尼瓦尔吐尔逊依明帕提玛"
    people = []
    for i in range(20_000):
        name = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) + "·" + "".join(
            rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        people.append(PublicPerson(pid=f"p{i:010x}", name=name, pinyin="x" * 12,
                                   id_shown=f"65312119{i % 60 + 40}********", gender="", birth="",
                                   ethnicity="", county="", detained=i % 2 == 0, minor=False, staff=False,
                                   age=None))
    people[12345].name = "独一无二·测试名字"
    size = write_index(people, tmp_path / "search-index.js", masked=True)
    assert size < 2_000_000
    site = {"title": "t", "people": len(people), "photos": 0, "documents": 0, "documents_published": 0,
            "composite": False, "figures": False, "detained_only": False, "unredacted": False,
            "policy_summary": "", "version": "test", "footer": ""}
    Renderer(tmp_path, site).write("index.html", "index.html")
    (tmp_path / "assets").mkdir()
    js = resources.files("unsealed.publish").joinpath("static", "search.js").read_bytes()
    (tmp_path / "assets" / "search.js").write_bytes(js)
    page = browser.new_page()
    page.goto((tmp_path / "index.html").as_uri())
    times = []
    for q in ("独一无二", "阿布", "gu", "6531211945", "测试名字"):
        page.fill("#q", q)
        page.wait_for_function("document.getElementById('results').hasAttribute('data-ms')")
        times.append(float(page.get_attribute("#results", "data-ms")))
    assert page.get_attribute("#results", "data-count") == "1"
    assert max(times) < 100, times
    page.close()

"""The workbench over plain HTTP (Starlette's TestClient): authentication, CSRF, rate limiting, roles,
the audit log's immutability, safe downloads and security headers."""

from __future__ import annotations

import re
import sqlite3

import pytest
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from tests.web.helpers import HOSTILE_HTML, HOSTILE_NAME, ID_A, PASSWORDS, csrf_of, login, make_case


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory):
    return make_case(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def app(case_dir):
    from unsealed.web import create_app

    return create_app(case_dir)


def client(app, ip: str = "10.0.0.1", **kw) -> TestClient:
    return TestClient(app, follow_redirects=False, client=(ip, 40000), **kw)


def items(case_dir) -> dict[str, int]:
    conn = sqlite3.connect(case_dir / "catalog.sqlite")
    try:
        return {path: i for i, path in conn.execute("SELECT id, path FROM items")}
    finally:
        conn.close()


def audit_rows(case_dir, action: str) -> list[tuple]:
    conn = sqlite3.connect(case_dir / "catalog.sqlite")
    try:
        return conn.execute(
            "SELECT user, action, target, ip FROM web_audit WHERE action = ?", (action,)
        ).fetchall()
    finally:
        conn.close()


def concrete(path: str, item_id: int) -> str:
    return (
        path.replace("{item_id:int}", str(item_id))
        .replace("{ref:int}", str(item_id))
        .replace("{ref:str}", "x")
        .replace("{ref:path}", str(item_id))
        .replace("{name:str}", "reasons")
        .replace("{fid:str}", "detained")
        .replace("{rest:path}", "anything")
    )


def test_every_route_needs_a_session_or_a_token(app, case_dir):
    item_id = items(case_dir)["evil.html"]
    c = client(app)
    checked = 0
    for route in app.routes:
        if isinstance(route, Mount) or route.path in ("/login", "/favicon.svg"):
            continue
        assert isinstance(route, Route)
        url = concrete(route.path, item_id)
        for method in sorted(route.methods - {"HEAD"}):
            r = c.request(method, url)
            checked += 1
            if url.startswith("/api/"):
                assert r.status_code == 401, url
                assert r.headers["www-authenticate"].startswith("Bearer")
                assert "error" in r.json()
            elif method == "GET":
                assert r.status_code == 303, url
                assert r.headers["location"].startswith("/login?next=")
            else:
                assert r.status_code == 401, (method, url)
    assert checked >= 20


def test_api_refuses_bad_tokens_and_sessions(app):
    c = client(app)
    assert c.get("/api/search?q=x", headers={"Authorization": "Bearer uns_not-a-token"}).status_code == 401
    assert c.get("/api/search?q=x", headers={"Authorization": "Basic YWxpY2U6eA=="}).status_code == 401
    assert login(c, "alice").status_code == 303
    assert c.get("/search").status_code == 200
    assert c.get("/api/search?q=x").status_code == 401  # a browser session is no API token


def test_login_sets_a_strict_session_cookie_and_logout_ends_it(app):
    c = client(app)
    r = login(c, "vic")
    assert r.status_code == 303 and r.headers["location"] == "/search"
    cookie = [
        v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("unsealed_session=")
    ][0]
    assert (
        "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie and "Secure" not in cookie
    )
    old = c.cookies.get("unsealed_session")
    page = c.get("/search")
    assert page.status_code == 200
    assert c.post("/logout", data={"csrf": "wrong"}).status_code == 403  # logout is a form too
    assert c.post("/logout", data={"csrf": csrf_of(page.text)}).status_code == 303
    again = client(app, cookies={"unsealed_session": old})
    assert again.get("/search").status_code == 303  # the old cookie is dead server-side


def test_cookie_is_secure_over_https(app):
    c = client(app, base_url="https://testserver")
    r = login(c, "vic")
    cookie = [
        v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("unsealed_session=")
    ][0]
    assert "Secure" in cookie


def test_login_form_needs_its_csrf_token_and_never_redirects_off_site(app):
    c = client(app, ip="10.0.0.2")
    r = c.post("/login", data={"user": "alice", "password": PASSWORDS["alice"], "csrf": "forged"})
    assert r.status_code == 403 and "unsealed_session" not in r.headers.get("set-cookie", "")
    page = c.get("/login")
    r = c.post(
        "/login",
        data={
            "user": "alice",
            "password": PASSWORDS["alice"],
            "csrf": csrf_of(page.text),
            "next": "//evil.example/steal",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/search"


def test_csrf_is_checked_on_every_form(app, case_dir):
    item = items(case_dir)["notice.txt"]
    c = client(app, ip="10.0.0.3")
    login(c, "ed")
    page = c.get(f"/items/{item}")
    token = csrf_of(page.text)
    for data in ({"action": "note", "text": "no token"}, {"action": "note", "text": "bad", "csrf": "x" * 43}):
        r = c.post(f"/items/{item}/annotate", data=data)
        assert r.status_code == 403
    other = client(app, ip="10.0.0.3")
    login(other, "alice")
    r = other.post(
        f"/items/{item}/annotate", data={"action": "note", "text": "someone else's token", "csrf": token}
    )
    assert r.status_code == 403  # a token is bound to its session
    r = c.post(f"/items/{item}/annotate", data={"action": "note", "text": "收押 date checked", "csrf": token})
    assert r.status_code == 303
    body = c.get(f"/items/{item}").text
    assert "收押 date checked" in body and "no token" not in body and "someone else" not in body
    assert ("ed", "note", f"item:{item}", "10.0.0.3") in audit_rows(case_dir, "note")


def test_viewer_reads_but_cannot_annotate(app, case_dir):
    c = client(app, ip="10.0.0.4")
    login(c, "vic")
    page = c.get(f"/people/{ID_A}")
    assert page.status_code == 200 and "阿依古丽·吐尔逊" in page.text
    assert 'name="text"' not in page.text  # no note form for a viewer
    pid = re.search(r'action="/people/(p[0-9a-f]+)/annotate"', page.text)
    assert pid is None
    person = re.search(r"person (p[0-9a-f]{10})", page.text).group(1)
    r = c.post(
        f"/people/{person}/annotate",
        data={"action": "note", "text": "viewer note", "csrf": csrf_of(page.text)},
    )
    assert r.status_code == 403
    assert "viewer note" not in c.get(f"/people/{person}").text
    assert c.get("/admin/audit").status_code == 403


def test_failed_logins_are_limited_per_user_and_per_address(app, case_dir):
    from unsealed.web import auth, db

    conn = db.open_writable(case_dir)
    auth.add_user(conn, "rl", "viewer", "rate-limit-pw", reset=True)
    conn.close()
    c = client(app, ip="10.0.0.5")
    for _ in range(5):
        assert login(c, "rl", "wrong password").status_code == 401
    r = login(c, "rl", "rate-limit-pw")  # right password, but too late
    assert r.status_code == 429 and "Too many failed logins" in r.text
    assert (
        client(app, ip="10.0.0.6")
        and login(client(app, ip="10.0.0.6"), "rl", "rate-limit-pw").status_code == 429
    )
    assert len(audit_rows(case_dir, "login_failed")) >= 5
    assert any(row[2] == "rl" for row in audit_rows(case_dir, "login_blocked"))
    # per address: many names tried from one address
    d = client(app, ip="10.0.0.7")
    for k in range(20):
        login(d, f"nobody{k}", "guess")
    assert login(d, "alice").status_code == 429
    assert login(client(app, ip="10.0.0.8"), "alice").status_code == 303  # other addresses still get in


def test_audit_log_cannot_be_changed(app, case_dir):
    c = client(app, ip="10.0.0.9")
    login(c, "alice")
    c.get("/search?q=收押")
    conn = sqlite3.connect(case_dir / "catalog.sqlite")
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE web_audit SET user = 'mallory'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM web_audit")
        assert conn.execute("SELECT COUNT(*) FROM web_audit WHERE user = 'mallory'").fetchone()[0] == 0
        searches = conn.execute("SELECT user, target FROM web_audit WHERE action = 'search'").fetchall()
    finally:
        conn.close()
    assert ("alice", "收押") in searches
    assert c.post("/admin/audit", data={"csrf": "x"}).status_code == 405  # no route writes the log
    page = c.get("/admin/audit?action=search")
    assert page.status_code == 200 and "收押" in page.text


def test_downloads_cannot_leave_the_case(app, case_dir):
    ids = items(case_dir)
    c = client(app, ip="10.0.0.10")
    login(c, "vic")
    for url in (
        "/items/../catalog.sqlite",
        "/items/%2e%2e%2fcatalog.sqlite/download",
        "/items/1%2F..%2F..%2Fcatalog.sqlite/download",
        "/items/-1/download",
        "/items/999999/download",
        "/items/..%2F..%2F..%2Fetc%2Fpasswd/download",
        "/static/../catalog.sqlite",
        "/static/%2e%2e/%2e%2e/catalog.sqlite",
    ):
        r = c.get(url)
        assert r.status_code in (303, 404), url
        assert b"SQLite format" not in r.content and b"root:" not in r.content
    conn = sqlite3.connect(case_dir / "catalog.sqlite")
    (sha,) = conn.execute("SELECT sha256 FROM items WHERE id = ?", (ids["notice.txt"],)).fetchone()
    try:  # even a catalog holding a path instead of a SHA-256 is not followed
        conn.execute("UPDATE items SET sha256 = '../../catalog.sqlite' WHERE id = ?", (ids["notice.txt"],))
        conn.commit()
        assert c.get(f"/items/{ids['notice.txt']}/download").status_code == 404
    finally:
        conn.execute("UPDATE items SET sha256 = ? WHERE id = ?", (sha, ids["notice.txt"]))
        conn.commit()
        conn.close()
    assert c.get(f"/items/{ids['notice.txt']}/download").status_code == 200


def test_originals_download_as_attachments_and_only_rasters_show_inline(app, case_dir):
    ids = items(case_dir)
    c = client(app, ip="10.0.0.11")
    login(c, "vic")
    r = c.get(f"/items/{ids['evil.html']}/download")
    assert r.status_code == 200 and r.content == HOSTILE_HTML.encode()
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["content-disposition"].startswith("attachment")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in r.headers["content-security-policy"]
    for name in ("evil.html", "evil.svg"):
        assert c.get(f"/items/{ids[name]}/image").status_code == 404
    img = c.get(f"/items/{ids[f'photo_{ID_A}.jpg']}/image")
    assert img.status_code == 200 and img.headers["content-type"] == "image/jpeg"
    assert img.content[:3] == b"\xff\xd8\xff" and "sandbox" in img.headers["content-security-policy"]
    assert any(row[0] == "vic" for row in audit_rows(case_dir, "download"))


def test_pages_escape_cache_content_and_carry_a_strict_policy(app, case_dir):
    ids = items(case_dir)
    c = client(app, ip="10.0.0.12")
    login(c, "vic")
    for url in (
        f"/items/{ids['evil.html']}",
        f"/items/{ids['evil.svg']}",
        f"/items/{ids['evil.txt']}",
        f"/items/{ids[HOSTILE_NAME]}",
        "/search?q=hostile",
        "/search?q=收押",
    ):
        r = c.get(url)
        assert r.status_code == 200, url
        assert "<script>document.title" not in r.text and 'onload="window' not in r.text
        assert "<svg xmlns" not in r.text
        csp = r.headers["content-security-policy"]
        for rule in (
            "default-src 'self'",
            "script-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ):
            assert rule in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["cache-control"] == "no-store"
        assert "<script>window" not in r.text and "<img src=x" not in r.text
    page = c.get(f"/items/{ids['evil.txt']}").text
    assert "&lt;script&gt;window.__pwned=5" in page  # shown, as text
    assert "&lt;img src=x onerror=" in c.get("/search?q=收押").text


def test_search_page_with_chinese_facets_and_paging(app, case_dir):
    c = client(app, ip="10.0.0.13")
    login(c, "vic")
    r = c.get("/search?q=收押")
    assert r.status_code == 200
    assert "<mark>收押</mark>" in r.text
    assert re.search(r"\d+ hits?", r.text)
    assert "type=sheet" in r.text or "type=text" in r.text  # facet links
    assert c.get("/search?q=收押&page=2").status_code == 200
    bad = c.get('/search?q="unclosed&from=2018-13-45')
    assert bad.status_code == 200 and 'class="error"' in bad.text
    assert ("vic", "收押") in [(u, t) for u, _a, t, _ip in audit_rows(case_dir, "search")]


def test_editors_tag_and_everyone_finds_tagged_things(app, case_dir):
    ids = items(case_dir)
    c = client(app, ip="10.0.0.14")
    login(c, "ed")
    token = csrf_of(c.get(f"/items/{ids['notice.txt']}").text)
    url = f"/items/{ids['notice.txt']}/annotate"
    assert c.post(url, data={"action": "tag", "tag": "  key   evidence ", "csrf": token}).status_code == 303
    assert c.post(url, data={"action": "note", "text": "   ", "csrf": token}).status_code == 400
    assert c.post(url, data={"action": "delete-everything", "csrf": token}).status_code == 400
    assert (
        c.post(
            "/people/p0000000000/annotate", data={"action": "note", "text": "x", "csrf": token}
        ).status_code
        == 404
    )
    viewer = client(app, ip="10.0.0.15")
    login(viewer, "vic")
    listing = viewer.get("/tags?tag=key evidence")
    assert listing.status_code == 200 and "notice.txt" in listing.text and "ed" in listing.text
    assert "key evidence" in viewer.get("/tags").text
    assert c.post(url, data={"action": "untag", "tag": "key evidence", "csrf": token}).status_code == 303
    assert "notice.txt" not in viewer.get("/tags?tag=key evidence").text
    assert {row[1] for row in audit_rows(case_dir, "tag")} == {"tag"}


def test_demo_login_makes_a_working_admin_and_resets_it(app, case_dir):
    from unsealed.web import demo_login

    user, password = demo_login(case_dir)
    assert user == "demo" and len(password) >= 12
    c = client(app, ip="10.0.0.16")
    assert login(c, user, password).status_code == 303
    assert c.get("/admin/audit").status_code == 200  # an admin
    user2, password2 = demo_login(case_dir)
    assert password2 != password
    assert c.get("/search").status_code == 303  # the reset ended the old session
    assert login(client(app, ip="10.0.0.16"), user, password).status_code == 401
    assert login(client(app, ip="10.0.0.16"), user2, password2).status_code == 303


def test_forms_are_small_and_url_encoded(app):
    c = client(app, ip="10.0.0.17")
    big = c.post(
        "/login",
        content=b"user=" + b"a" * 300_000,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert big.status_code == 413

    def chunks():
        for _ in range(100):
            yield b"a" * 10_000

    chunked = c.post(
        "/login", content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert chunked.status_code == 413  # no Content-Length: the cap still holds
    many = "&".join(f"f{k}=1" for k in range(200))
    assert (
        c.post(
            "/login", content=many, headers={"Content-Type": "application/x-www-form-urlencoded"}
        ).status_code
        == 400
    )
    multipart = c.post("/login", files={"user": ("x", b"alice")})
    assert multipart.status_code == 415

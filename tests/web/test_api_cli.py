"""The JSON API returns what the CLI prints with --json (one code path), and the team/audit commands."""

from __future__ import annotations

import io
import json
import sqlite3

import pytest
from starlette.testclient import TestClient

from tests.web.helpers import ID_A, make_case


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory):
    return make_case(tmp_path_factory.mktemp("api"))


def cli(capsys, *argv: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    from unsealed.cli import main

    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def token_for(capsys, case_dir, name: str) -> str:
    code, out, _ = cli(capsys, "user", "token", name, "--case", str(case_dir))
    assert code == 0
    return out.strip()


def test_api_mirrors_the_cli(case_dir, capsys):
    from unsealed.web import create_app

    token = token_for(capsys, case_dir, "vic")
    assert token.startswith("uns_")
    c = TestClient(create_app(case_dir), headers={"Authorization": f"Bearer {token}"})
    item = c.get("/api/search", params={"q": "收押"}).json()["hits"][0]["id"]
    pairs = [
        ("/api/search?q=收押", ["search", "收押", "--json"]),
        (
            "/api/search?q=653121&type=sheet&limit=5",
            ["search", "653121", "--type", "sheet", "--limit", "5", "--json"],
        ),
        (f"/api/items/{item}", ["show", str(item), "--json"]),
        ("/api/items/名单.csv?rows=1", ["show", "名单.csv", "--rows", "1", "--json"]),
        ("/api/people", ["people", "--json"]),
        ("/api/people?q=阿依古丽&detained=1", ["people", "--q", "阿依古丽", "--detained", "--json"]),
        (f"/api/people/{ID_A}", ["person", ID_A, "--json"]),
        ("/api/stats", ["stats", "--json"]),
        ("/api/stats?explain=detained", ["stats", "--explain", "detained", "--json"]),
    ]
    for url, argv in pairs:
        r = c.get(url)
        assert r.status_code == 200, (url, r.text[:300])
        code, out, _ = cli(capsys, *argv, "--case", str(case_dir))
        assert code == 0
        assert r.json() == json.loads(out), url
    assert c.get("/api/people/999").status_code == 404
    assert c.get("/api/items/no-such-file.txt").status_code == 404
    assert c.get("/api/search?q=x&limit=abc").status_code == 400
    assert c.get("/api/nothing-here").status_code == 404
    assert c.get("/api/audit").status_code == 403  # viewers do not read the audit log


def test_api_verify_is_the_cli_report(case_dir, capsys):
    from unsealed.web import create_app

    c = TestClient(
        create_app(case_dir), headers={"Authorization": f"Bearer {token_for(capsys, case_dir, 'ed')}"}
    )
    r = c.get("/api/verify")
    assert r.status_code == 200
    code, out, _ = cli(capsys, "verify", "--json", "--case", str(case_dir))
    cli_report = json.loads(out)
    assert r.json()["manifest"]["digest"] == cli_report["manifest"]["digest"]
    assert [ch["id"] for ch in r.json()["checks"]] == [ch["id"] for ch in cli_report["checks"]]


def test_tokens_are_stored_only_as_hashes_and_can_be_revoked(case_dir, capsys):
    from unsealed.web import create_app

    token = token_for(capsys, case_dir, "alice")
    raw = (case_dir / "catalog.sqlite").read_bytes()
    assert token.encode() not in raw
    c = TestClient(create_app(case_dir), headers={"Authorization": f"Bearer {token}"})
    audit = c.get("/api/audit", params={"action": "token_new"}).json()
    assert audit["total"] >= 1 and all(e["action"] == "token_new" for e in audit["events"])
    code, out, _ = cli(capsys, "user", "token", "alice", "--revoke", "--case", str(case_dir))
    assert code == 0 and "removed" in out
    assert c.get("/api/audit").status_code == 401


def test_user_commands(case_dir, capsys, monkeypatch):
    base = ["--case", str(case_dir)]
    code, out, _ = cli(
        capsys,
        "user",
        "add",
        "newbie",
        "--role",
        "editor",
        "--password-stdin",
        *base,
        stdin="a good password\n",
        monkeypatch=monkeypatch,
    )
    assert code == 0 and "added newbie (editor)" in out
    code, _, err = cli(
        capsys,
        "user",
        "add",
        "newbie",
        "--role",
        "viewer",
        "--password-stdin",
        *base,
        stdin="another password\n",
        monkeypatch=monkeypatch,
    )
    assert code == 2 and "exists already" in err
    code, _, err = cli(
        capsys,
        "user",
        "add",
        "shorty",
        "--role",
        "viewer",
        "--password-stdin",
        *base,
        stdin="short\n",
        monkeypatch=monkeypatch,
    )
    assert code == 2 and "too short" in err
    code, _, err = cli(
        capsys,
        "user",
        "add",
        "../bad name",
        "--role",
        "viewer",
        "--password-stdin",
        *base,
        stdin="a good password\n",
        monkeypatch=monkeypatch,
    )
    assert code == 2 and "user names" in err
    code, _, err = cli(capsys, "user", "token", "ghost", *base)
    assert code == 2 and "no user 'ghost'" in err
    code, out, _ = cli(capsys, "user", "list", "--json", *base)
    users = {u["name"]: u for u in json.loads(out)["users"]}
    assert users["newbie"]["role"] == "editor" and users["alice"]["role"] == "admin"
    conn = sqlite3.connect(case_dir / "catalog.sqlite")
    stored = conn.execute("SELECT password FROM web_users WHERE name = 'newbie'").fetchone()[0]
    conn.close()
    assert stored.startswith("$argon2id$") and "a good password" not in stored


def test_audit_command(case_dir, capsys):
    from tests.web.helpers import login
    from unsealed.web import create_app

    c = TestClient(create_app(case_dir), follow_redirects=False, client=("10.1.2.3", 1))
    login(c, "ed")
    c.get("/search?q=收押")
    code, out, _ = cli(capsys, "audit", "--user", "ed", "--since", "1h", "--json", "--case", str(case_dir))
    assert code == 0
    events = json.loads(out)["events"]
    assert {"login", "search"} <= {e["action"] for e in events}
    assert all(e["user"] == "ed" for e in events)
    assert any(e["action"] == "search" and e["target"] == "收押" and e["ip"] == "10.1.2.3" for e in events)
    code, out, _ = cli(capsys, "audit", "--since", "2999-01-01", "--json", "--case", str(case_dir))
    assert json.loads(out) == {"total": 0, "events": []}
    code, _, err = cli(capsys, "audit", "--since", "yesterday-ish", "--case", str(case_dir))
    assert code == 2 and "--since takes" in err
    code, out, _ = cli(capsys, "audit", "--action", "login", "--case", str(case_dir))
    assert code == 0 and "ed" in out and "10.1.2.3" in out


def test_a_disabled_user_is_out_at_once(case_dir, capsys):
    from tests.web.helpers import login
    from unsealed.web import auth, create_app, db

    conn = db.open_writable(case_dir)
    auth.add_user(conn, "leaver", "editor", "leaver-password", reset=True)
    conn.close()
    app = create_app(case_dir)
    browser = TestClient(app, follow_redirects=False, client=("10.2.0.1", 1))
    assert login(browser, "leaver", "leaver-password").status_code == 303
    token = token_for(capsys, case_dir, "leaver")
    api = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/people").status_code == 200
    code, out, _ = cli(capsys, "user", "disable", "leaver", "--case", str(case_dir))
    assert code == 0 and "disabled leaver" in out
    assert browser.get("/search").status_code == 303
    assert api.get("/api/people").status_code == 401
    assert (
        login(
            TestClient(app, follow_redirects=False, client=("10.2.0.2", 1)), "leaver", "leaver-password"
        ).status_code
        == 401
    )
    code, _, err = cli(capsys, "user", "disable", "leaver", "--case", str(case_dir))
    assert code == 2 and "no active user" in err

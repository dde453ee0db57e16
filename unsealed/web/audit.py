"""The audit log: who did what, when, from where. Append-only (see ``schema``: triggers forbid edits).

Recorded: every login (success, failure, refusal by the rate limit), logout, search, view of an
item or person, download, note, tag and team change, in the browser and through the API.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from unsealed.web.auth import now_iso

ACTIONS = (
    "login",
    "login_failed",
    "login_blocked",
    "logout",
    "search",
    "view_item",
    "download",
    "view_image",
    "view_person",
    "view_figure",
    "view_verify",
    "note",
    "tag",
    "untag",
    "user_add",
    "user_reset",
    "user_disable",
    "token_new",
    "token_revoke",
    "view_audit",
)
MAX_TEXT = 2000
_SINCE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class AuditError(ValueError):
    """A bad filter (e.g. an unreadable --since); the message says what is accepted."""


def record(
    conn: sqlite3.Connection,
    user: str | None,
    action: str,
    target: str | None = None,
    detail: Any = None,
    ip: str | None = None,
) -> None:
    """Append one event. ``detail`` may be text or a JSON-able dict (stored as JSON)."""
    if detail is not None and not isinstance(detail, str):
        detail = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    conn.execute(
        "INSERT INTO web_audit(at, user, action, target, detail, ip) VALUES (?, ?, ?, ?, ?, ?)",
        (
            now_iso(),
            user,
            action,
            None if target is None else str(target)[:MAX_TEXT],
            None if detail is None else detail[:MAX_TEXT],
            ip,
        ),
    )


def parse_since(value: str | None, now: datetime | None = None) -> str | None:
    """The UTC time ``value`` means: ``YYYY-MM-DD``, ``YYYY-MM-DDTHH:MM[:SS]`` (UTC) or a span back
    from now (``30m``, ``12h``, ``7d``, ``2w``)."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    m = _SINCE.match(text)
    if m:
        then = (now or datetime.now(UTC)) - timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
        return then.strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        when = datetime.fromisoformat(text.removesuffix("Z"))
    except ValueError:
        raise AuditError(
            f"--since takes a date (2018-05-24), a time (2018-05-24T09:30) or a span back from "
            f"now (30m, 12h, 7d, 2w), not {text!r}"
        ) from None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def query(
    conn: sqlite3.Connection,
    *,
    user: str | None = None,
    since: str | None = None,
    action: str | None = None,
    limit: int | None = 1000,
    offset: int = 0,
) -> dict:
    """Events, newest first: ``{"total", "events": [{"id", "at", "user", "action", "target", "detail",
    "ip"}]}``.

    ``since`` as :func:`parse_since` takes it; ``limit`` None or 0 for all. ``unsealed audit --json`` and
    ``GET /api/audit`` return exactly this.
    """
    clauses, params = [], []
    if user:
        clauses.append("user = ? COLLATE NOCASE")
        params.append(user)
    start = parse_since(since)
    if start:
        clauses.append("at >= ?")
        params.append(start)
    if action:
        clauses.append("action = ?")
        params.append(action)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='web_audit'").fetchone():
        return {"total": 0, "events": []}
    total = conn.execute(f"SELECT COUNT(*) FROM web_audit{where}", params).fetchone()[0]
    sql = f"SELECT id, at, user, action, target, detail, ip FROM web_audit{where} ORDER BY id DESC"
    if limit:
        sql += f" LIMIT {int(limit)} OFFSET {max(0, int(offset))}"
    events = [
        {
            "id": r[0],
            "at": r[1],
            "user": r[2],
            "action": r[3],
            "target": r[4],
            "detail": _detail(r[5]),
            "ip": r[6],
        }
        for r in conn.execute(sql, params)
    ]
    return {"total": total, "events": events}


def _detail(text: str | None) -> Any:
    if text and text[:1] == "{":
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text

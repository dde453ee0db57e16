"""Login sessions, CSRF tokens and login rate limiting.

A session is a random cookie value; the server keeps only its SHA-256 with the user, the
session's CSRF token and its expiry, so logging out (or resetting a user) ends it at once.
Every form carries the session's CSRF token; the login form, sent before any session exists,
carries a token signed with the case's server secret and bound to a cookie (double submit).
Failed logins are counted per user name and per client address over a sliding window.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from dataclasses import dataclass

from unsealed.web.auth import User

SESSION_COOKIE = "unsealed_session"
LOGIN_COOKIE = "unsealed_login"
SESSION_SECONDS = 12 * 3600
LOGIN_FORM_SECONDS = 3600
WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_IP = 20  # a newsroom often shares one address (or the server sits behind a proxy)


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    expires: float


def _h(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def start(conn: sqlite3.Connection, user: User, ip: str | None) -> str:
    """A new session for the user; returns the cookie value. Expired sessions are swept here."""
    now = time.time()
    conn.execute("DELETE FROM web_sessions WHERE expires < ?", (now,))
    token = secrets.token_urlsafe(32)
    conn.execute(
        "INSERT INTO web_sessions(hash, user_id, csrf, created, expires, ip) VALUES (?, ?, ?, ?, ?, ?)",
        (_h(token), user.id, secrets.token_urlsafe(32), now, now + SESSION_SECONDS, ip),
    )
    return token


def load(conn: sqlite3.Connection, cookie: str | None) -> Session | None:
    """The live session named by the cookie, or None."""
    if not cookie or len(cookie) > 200:
        return None
    row = conn.execute(
        "SELECT u.id, u.name, u.role, s.csrf, s.expires FROM web_sessions s"
        " JOIN web_users u ON u.id = s.user_id WHERE s.hash = ? AND u.disabled = 0",
        (_h(cookie),),
    ).fetchone()
    if row is None or row[4] < time.time():
        return None
    return Session(User(row[0], row[1], row[2]), row[3], row[4])


def end(conn: sqlite3.Connection, cookie: str | None) -> None:
    if cookie:
        conn.execute("DELETE FROM web_sessions WHERE hash = ?", (_h(cookie),))


def csrf_ok(session: Session | None, sent: str | None) -> bool:
    """Whether a form sent this session's CSRF token (compared in constant time)."""
    return bool(session and sent) and hmac.compare_digest(session.csrf.encode(), str(sent).encode())


def login_form_token(secret: bytes) -> tuple[str, str]:
    """(cookie value, form value) for the login form: a nonce and its signature with the server secret."""
    nonce = f"{int(time.time())}.{secrets.token_urlsafe(16)}"
    return nonce, hmac.new(secret, nonce.encode(), hashlib.sha256).hexdigest()


def login_form_ok(secret: bytes, cookie: str | None, sent: str | None) -> bool:
    """Whether the login form came back from a page this server gave out, recently, to this browser."""
    if not cookie or not sent:
        return False
    stamp, _, _ = cookie.partition(".")
    if not stamp.isdigit() or time.time() - int(stamp) > LOGIN_FORM_SECONDS:
        return False
    expected = hmac.new(secret, cookie.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), str(sent).encode())


def blocked(conn: sqlite3.Connection, name: str, ip: str) -> int:
    """Seconds until this user name or address may try again (0: not blocked)."""
    since = time.time() - WINDOW_SECONDS
    waits = []
    for column, value, limit in (("name", name, MAX_FAILURES_PER_USER), ("ip", ip, MAX_FAILURES_PER_IP)):
        rows = conn.execute(
            f"SELECT at FROM web_login_failures WHERE {column} = ? AND at > ? ORDER BY at DESC LIMIT ?",
            (value, since, limit),
        ).fetchall()
        if len(rows) >= limit:
            waits.append(int(rows[-1][0] + WINDOW_SECONDS - time.time()) + 1)
    return max(waits, default=0)


def failed(conn: sqlite3.Connection, name: str, ip: str) -> None:
    """Count one failed login (old failures are swept)."""
    now = time.time()
    conn.execute("DELETE FROM web_login_failures WHERE at < ?", (now - WINDOW_SECONDS,))
    conn.execute("INSERT INTO web_login_failures(at, name, ip) VALUES (?, ?, ?)", (now, name[:200], ip))


def succeeded(conn: sqlite3.Connection, name: str) -> None:
    """A good password clears the user's failures (not the address's)."""
    conn.execute("DELETE FROM web_login_failures WHERE name = ?", (name,))

"""The team: users with roles, argon2id password hashes, API tokens (only their hashes are stored).

Roles: ``viewer`` reads; ``editor`` also tags and annotates items and persons; ``admin`` also
reads the audit log and manages the team.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from unsealed.web.schema import ROLES

MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # argon2 would hash anything; a megabyte "password" is an attack, not a password
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
TOKEN_PREFIX = "uns_"

_hasher = PasswordHasher()  # argon2id, the library's recommended parameters (RFC 9106 low-memory)
_DUMMY = _hasher.hash("unsealed: a password nobody has")


class AuthError(ValueError):
    """A team command or form cannot be done; the message says why."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    def may(self, needed: str) -> bool:
        """Whether this user's role allows what ``needed`` allows."""
        return ROLES.index(self.role) >= ROLES.index(needed)


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME_RE.match(name):
        raise AuthError(f"user names are 1-64 letters, digits, '.', '_', '@' or '-' (got {name!r})")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AuthError(f"the password is too long: at most {MAX_PASSWORD} characters")
    return password


def add_user(conn: sqlite3.Connection, name: str, role: str, password: str, reset: bool = False) -> User:
    """Create a user (or, with ``reset``, give an existing one this role and password)."""
    name = check_name(name)
    if role not in ROLES:
        raise AuthError(f"the role must be one of {', '.join(ROLES)}, not {role!r}")
    digest = _hasher.hash(check_password(password))
    row = conn.execute("SELECT id, name FROM web_users WHERE name = ?", (name,)).fetchone()
    if row is not None:
        if not reset:
            raise AuthError(f"user {row[1]!r} exists already")
        conn.execute(
            "UPDATE web_users SET role = ?, password = ?, disabled = 0 WHERE id = ?", (role, digest, row[0])
        )
        conn.execute(
            "DELETE FROM web_sessions WHERE user_id = ?", (row[0],)
        )  # old sessions end with the reset
        return User(row[0], row[1], role)
    cur = conn.execute(
        "INSERT INTO web_users(name, role, password, created) VALUES (?, ?, ?, ?)",
        (name, role, digest, now_iso()),
    )
    return User(cur.lastrowid, name, role)


def disable_user(conn: sqlite3.Connection, name: str) -> User:
    """Lock a user out at once: sessions and API tokens end (``add --reset`` lets them back in)."""
    user = get_user(conn, name)
    if user is None:
        raise AuthError(f"no active user {name!r}")
    conn.execute("UPDATE web_users SET disabled = 1 WHERE id = ?", (user.id,))
    conn.execute("DELETE FROM web_sessions WHERE user_id = ?", (user.id,))
    conn.execute("DELETE FROM web_tokens WHERE user_id = ?", (user.id,))
    return user


def get_user(conn: sqlite3.Connection, name: str) -> User | None:
    row = conn.execute(
        "SELECT id, name, role FROM web_users WHERE name = ? AND disabled = 0", (name,)
    ).fetchone()
    return User(*row) if row else None


def user_by_id(conn: sqlite3.Connection, user_id: int) -> User | None:
    row = conn.execute(
        "SELECT id, name, role FROM web_users WHERE id = ? AND disabled = 0", (user_id,)
    ).fetchone()
    return User(*row) if row else None


def list_users(conn: sqlite3.Connection) -> list[dict]:
    """Every user with role, creation time and number of API tokens (``unsealed user list --json``)."""
    rows = conn.execute(
        "SELECT u.name, u.role, u.created, u.disabled,"
        " (SELECT COUNT(*) FROM web_tokens t WHERE t.user_id = u.id) FROM web_users u ORDER BY u.name"
    ).fetchall()
    return [
        {"name": r[0], "role": r[1], "created": r[2], "disabled": bool(r[3]), "tokens": r[4]} for r in rows
    ]


def verify_password(conn: sqlite3.Connection, name: str, password: str) -> User | None:
    """The user if the password is theirs, else None (the same work is done for unknown names)."""
    row = conn.execute(
        "SELECT id, name, role, password FROM web_users WHERE name = ? AND disabled = 0", (name or "",)
    ).fetchone()
    digest = row[3] if row else _DUMMY
    try:
        ok = _hasher.verify(digest, password[:MAX_PASSWORD])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None:
        return None
    return User(row[0], row[1], row[2])


def token_hash(token: str) -> str:
    """Tokens are 256 random bits, so a plain SHA-256 is enough to store them (no slow hash needed)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token(conn: sqlite3.Connection, name: str) -> str:
    """A new API token for the user (printed once; only its hash is kept)."""
    user = get_user(conn, name)
    if user is None:
        raise AuthError(f"no user {name!r}: add one with 'unsealed user add {name} --role viewer'")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    conn.execute(
        "INSERT INTO web_tokens(hash, user_id, created) VALUES (?, ?, ?)",
        (token_hash(token), user.id, now_iso()),
    )
    return token


def revoke_tokens(conn: sqlite3.Connection, name: str) -> int:
    """Remove every API token of the user; returns how many there were."""
    user = get_user(conn, name)
    if user is None:
        raise AuthError(f"no user {name!r}")
    return conn.execute("DELETE FROM web_tokens WHERE user_id = ?", (user.id,)).rowcount


def user_for_token(conn: sqlite3.Connection, token: str) -> User | None:
    """The user an ``Authorization: Bearer`` token belongs to, or None."""
    if not token or len(token) > 200:
        return None
    row = conn.execute(
        "SELECT u.id, u.name, u.role FROM web_tokens t JOIN web_users u ON u.id = t.user_id"
        " WHERE t.hash = ? AND u.disabled = 0",
        (token_hash(token),),
    ).fetchone()
    return User(*row) if row else None

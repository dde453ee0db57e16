"""The web workbench: search, items, people, figures and the verification report for a newsroom team.

``create_app(case_dir)`` builds the ASGI app; ``serve(case_dir, host, port)`` runs it with uvicorn
(127.0.0.1 by default); ``demo_login(case)`` makes a demo admin with a fresh random password.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import socket
import sys
import threading
import time
import webbrowser
from pathlib import Path

LOOPBACK_NAMES = ("127.0.0.1", "localhost")
ENV_CASE = "UNSEALED_WEB_CASE"
ENV_HOSTS = "UNSEALED_WEB_HOSTS"


def create_app(case_dir: Path | str, **kw):
    """The ASGI app for the case at ``case_dir`` (see :func:`unsealed.web.app.create_app`)."""
    from unsealed.web.app import create_app as make

    return make(case_dir, **kw)


def demo_login(case) -> tuple[str, str]:
    """Create (or reset) the admin user ``demo`` with a new random password; returns (user, password).

    ``case``: an open writable :class:`~unsealed.store.case.Case` or a case folder.
    """
    from unsealed.store.case import Case
    from unsealed.web import audit, auth, schema

    own = not isinstance(case, Case)
    opened = Case.open(case) if own else case
    try:
        conn = opened.conn
        schema.create(conn)
        password = secrets.token_urlsafe(12)
        conn.execute("BEGIN IMMEDIATE")
        try:
            user = auth.add_user(conn, "demo", "admin", password, reset=True)
            audit.record(conn, None, "user_reset", user.name, {"role": "admin", "by": "demo"}, "local")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return user.name, password
    finally:
        if own:
            opened.close()


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def port_problem(host: str, port: int) -> str | None:
    """Why the workbench could not listen on ``host:port`` (a one-line message), or None when it can."""
    if not 0 < port < 65536:
        return f"port {port} is not between 1 and 65535"
    try:
        with socket.create_server((host, port)):
            return None
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        return f"cannot listen on {host}:{port} ({reason}): choose another port"


def serve(
    case_dir: Path | str,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    log_level: str = "warning",
    workers: int = 1,
    behind_proxy: bool = False,
) -> None:
    """Run the workbench until interrupted (Ctrl-C). Opens the login page in a browser if asked.

    ``workers`` > 1 runs that many server processes (all state is in the case's catalog, so they
    share sessions and the audit log); one per core serves a team fastest. ``behind_proxy``: an
    https reverse proxy on this machine forwards to us; its X-Forwarded-For/-Proto headers are
    trusted (client addresses in the audit log, Secure cookies) and it checks the Host name.
    """
    import uvicorn

    from unsealed.web.db import CaseStore

    CaseStore(case_dir, readers=1).close()  # a case that cannot be served fails here, with its reason
    allowed = [*LOOPBACK_NAMES, host] if is_loopback(host) and not behind_proxy else []
    os.environ[ENV_CASE] = str(Path(case_dir).resolve())
    os.environ[ENV_HOSTS] = ",".join(allowed)
    options = {
        "host": host,
        "port": port,
        "log_level": log_level,
        "access_log": False,
        "server_header": False,
        "proxy_headers": behind_proxy,
        "forwarded_allow_ips": "127.0.0.1,::1" if behind_proxy else None,
        "timeout_graceful_shutdown": 5,
    }
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/login"
    if open_browser:
        threading.Thread(target=_open_when_up, args=(shown, port, url), daemon=True).start()
    print(f"unsealed workbench for {Path(case_dir)} on {url} (Ctrl-C stops it)", file=sys.stderr)
    if workers > 1:
        uvicorn.run("unsealed.web:app_from_environment", factory=True, workers=workers, **options)
    else:
        uvicorn.Server(uvicorn.Config(app_from_environment(), **options)).run()


def app_from_environment():
    """The app for the case named by ``$UNSEALED_WEB_CASE`` (how :func:`serve` starts its workers)."""
    hosts = [h for h in os.environ.get(ENV_HOSTS, "").split(",") if h]
    return create_app(os.environ[ENV_CASE], allowed_hosts=hosts or None)


def _open_when_up(host: str, port: int, url: str) -> None:
    for _ in range(600):
        try:
            socket.create_connection((host, port), timeout=0.5).close()
        except OSError:
            time.sleep(0.1)
            continue
        webbrowser.open(url)
        return


__all__ = ["create_app", "demo_login", "port_problem", "serve"]

"""The web workbench: search, items, people, figures and the verification report for a newsroom team.

``create_app(case_dir)`` builds the ASGI app; ``serve(case_dir, host, port)`` runs it with uvicorn
(127.0.0.1 by default); ``demo_login(case)`` makes a demo admin with a fresh random password.
"""

from __future__ import annotations

import ipaddress
import secrets
import sys
import threading
import time
import webbrowser
from pathlib import Path

LOOPBACK_NAMES = ("127.0.0.1", "localhost")


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


def serve(
    case_dir: Path | str,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    log_level: str = "warning",
) -> None:
    """Run the workbench until interrupted (Ctrl-C). Opens the login page in a browser if asked."""
    import uvicorn

    allowed = [*LOOPBACK_NAMES, host] if is_loopback(host) else None
    app = create_app(case_dir, allowed_hosts=allowed)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/login"
    if open_browser:

        def when_up() -> None:
            for _ in range(200):
                if server.started:
                    webbrowser.open(url)
                    return
                time.sleep(0.05)

        threading.Thread(target=when_up, daemon=True).start()
    print(f"unsealed workbench for {Path(case_dir)} on {url} (Ctrl-C stops it)", file=sys.stderr)
    server.run()


__all__ = ["create_app", "demo_login", "serve"]

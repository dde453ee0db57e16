"""Commands for the web workbench: ``serve``, ``user add|token|list`` and ``audit``."""

from __future__ import annotations

import sys

from unsealed.cli.output import add_case, add_json, print_json

ROLES_HELP = "viewer (reads), editor (also tags and annotates), admin (also the audit log and the team)"


def register(sub) -> None:
    p = sub.add_parser(
        "serve",
        help="the web workbench for a newsroom team (search, items, people, figures)",
        description="Serve the case to a team's browsers: search with facets, item viewer, person "
        "pages, figures, the verification report and the composite, plus a JSON API. Users log "
        "in (add them with 'unsealed user add'); every login, search, view and download is "
        "recorded in the audit log. Binds 127.0.0.1 unless told otherwise.",
    )
    add_case(p)
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; to share it with a "
        "team, put it behind an https proxy)",
    )
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--open", action="store_true", help="open the login page in a browser")
    p.add_argument(
        "--behind-proxy",
        action="store_true",
        help="an https reverse proxy on this machine forwards to the workbench: trust its "
        "X-Forwarded-For/-Proto headers (client addresses, Secure cookies)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="server processes (default 1; one per core serves a team fastest)",
    )
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("user", help="the team: add users, issue API tokens, list them")
    users = p.add_subparsers(dest="user_command", metavar="ACTION")
    a = users.add_parser("add", help="add a user (password asked for, or read from standard input)")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", required=True, choices=("admin", "editor", "viewer"), help=ROLES_HELP)
    a.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of stdin"
    )
    a.add_argument("--reset", action="store_true", help="the user exists: set this role and a new password")
    add_case(a)
    a.set_defaults(handler=cmd_user_add)
    t = users.add_parser("token", help="print a new API token for NAME (only its hash is kept: copy it now)")
    t.add_argument("name", metavar="NAME")
    t.add_argument("--revoke", action="store_true", help="instead remove every API token of NAME")
    add_case(t)
    t.set_defaults(handler=cmd_user_token)
    d = users.add_parser(
        "disable", help="lock NAME out at once (sessions and tokens end; 'add --reset' undoes)"
    )
    d.add_argument("name", metavar="NAME")
    add_case(d)
    d.set_defaults(handler=cmd_user_disable)
    ls = users.add_parser("list", help="every user with role and number of API tokens")
    add_case(ls)
    add_json(ls)
    ls.set_defaults(handler=cmd_user_list)
    p.set_defaults(handler=lambda args, parser=p: (parser.print_help(), 2)[1])

    p = sub.add_parser(
        "audit",
        help="the audit log: who logged in, searched, viewed and downloaded what, when",
        description="Print the workbench's audit log, newest first. Records are append-only: "
        "neither the workbench nor this command can change them.",
    )
    add_case(p)
    p.add_argument("--user", help="only this user's events")
    p.add_argument(
        "--since",
        metavar="WHEN",
        help="only events from WHEN: a date (2018-05-24), a UTC time (2018-05-24T09:30) or a span "
        "back from now (30m, 12h, 7d, 2w)",
    )
    p.add_argument(
        "--action", help="only this action (login, login_failed, search, view_item, download, ...)"
    )
    p.add_argument("--limit", type=int, default=1000, help="at most N events (default 1000; 0 for all)")
    add_json(p)
    p.set_defaults(handler=cmd_audit)


def cmd_serve(args) -> int:
    from unsealed.cli import UserError
    from unsealed.store.case import default_case_dir
    from unsealed.web import auth, db, is_loopback, port_problem, serve

    if args.workers < 1:
        raise UserError("--workers must be 1 or more")
    root = args.case or default_case_dir()
    conn = db.open_writable(root)
    try:
        if not auth.list_users(conn):
            print(
                f"unsealed serve: nobody can log in yet: add a user with 'unsealed user add NAME --role admin"
                f"{' --case ' + str(args.case) if args.case else ''}'",
                file=sys.stderr,
            )
    finally:
        conn.close()
    if not is_loopback(args.host):
        print(
            f"unsealed serve: listening on {args.host}: other machines can reach the workbench. Serve it "
            "through an https reverse proxy so passwords and cookies are encrypted.",
            file=sys.stderr,
        )
    problem = port_problem(args.host, args.port)
    if problem:
        raise UserError(problem.replace("another port", "another --port"))
    serve(
        root,
        host=args.host,
        port=args.port,
        open_browser=args.open,
        workers=args.workers,
        behind_proxy=args.behind_proxy,
    )
    return 0


def _write(args, action):
    """Run ``action(conn)`` in one transaction on the case's catalog; team errors become user errors."""
    from unsealed.cli import UserError
    from unsealed.store.case import default_case_dir
    from unsealed.web import auth, db

    conn = db.open_writable(args.case or default_case_dir())
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = action(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return result
    except auth.AuthError as exc:
        raise UserError(str(exc)) from exc
    finally:
        conn.close()


def _read_password(args) -> str:
    import getpass

    from unsealed.cli import UserError

    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise UserError("--password-stdin: nothing on standard input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError("no terminal to ask for the password: pipe it in with --password-stdin")
    first = getpass.getpass(f"password for {args.name}: ")
    if getpass.getpass("again: ") != first:
        raise UserError("the two passwords differ: nothing was changed")
    return first


def cmd_user_add(args) -> int:
    from unsealed.cli import UserError
    from unsealed.web import audit, auth

    try:
        auth.check_name(args.name)  # before asking for a password
    except auth.AuthError as exc:
        raise UserError(str(exc)) from exc
    password = _read_password(args)

    def add(conn):
        user = auth.add_user(conn, args.name, args.role, password, reset=args.reset)
        audit.record(
            conn,
            None,
            "user_reset" if args.reset else "user_add",
            user.name,
            {"role": user.role, "via": "cli"},
            "local",
        )
        return user

    user = _write(args, add)
    print(f"{'updated' if args.reset else 'added'} {user.name} ({user.role})")
    return 0


def cmd_user_token(args) -> int:
    from unsealed.web import audit, auth

    if args.revoke:

        def revoke(conn):
            n = auth.revoke_tokens(conn, args.name)
            audit.record(conn, None, "token_revoke", args.name, {"tokens": n, "via": "cli"}, "local")
            return n

        n = _write(args, revoke)
        print(f"removed {n} API token{'s' if n != 1 else ''} of {args.name}")
        return 0

    def issue(conn):
        token = auth.new_token(conn, args.name)
        audit.record(conn, None, "token_new", args.name, {"via": "cli"}, "local")
        return token

    print(_write(args, issue))
    print(
        "send it as 'Authorization: Bearer TOKEN'; it is not stored and cannot be shown again",
        file=sys.stderr,
    )
    return 0


def cmd_user_disable(args) -> int:
    from unsealed.web import audit, auth

    def disable(conn):
        user = auth.disable_user(conn, args.name)
        audit.record(conn, None, "user_disable", user.name, {"via": "cli"}, "local")
        return user

    user = _write(args, disable)
    print(f"disabled {user.name}: logged out everywhere, API tokens removed")
    return 0


def cmd_user_list(args) -> int:
    from unsealed.store.case import default_case_dir
    from unsealed.web import auth, db, schema

    conn = db.read_connection(args.case or default_case_dir())
    try:
        users = auth.list_users(conn) if schema.exists(conn) else []
    finally:
        conn.close()
    if args.json:
        print_json({"users": users})
        return 0
    if not users:
        print("no users: add one with 'unsealed user add NAME --role admin'")
    for u in users:
        print(
            f"{u['name']:<20} {u['role']:<7} since {u['created']}  {u['tokens']} API token"
            f"{'s' if u['tokens'] != 1 else ''}" + ("  (disabled)" if u["disabled"] else "")
        )
    return 0


def cmd_audit(args) -> int:
    from unsealed.cli import UserError
    from unsealed.store.case import default_case_dir
    from unsealed.web import audit, db

    if args.limit < 0:
        raise UserError("--limit must be 0 or more")
    conn = db.read_connection(args.case or default_case_dir())
    try:
        result = audit.query(conn, user=args.user, since=args.since, action=args.action, limit=args.limit)
    except audit.AuditError as exc:
        raise UserError(str(exc)) from exc
    finally:
        conn.close()
    if args.json:
        print_json(result)
        return 0
    for e in result["events"]:
        detail = e["detail"]
        if isinstance(detail, dict):
            detail = ", ".join(f"{k}={v}" for k, v in sorted(detail.items()))
        print(
            f"{e['at']}  {e['user'] or '-':<14} {e['action']:<14} {e['target'] or '':<24} {detail or ''}"
            f"{'  from ' + e['ip'] if e['ip'] else ''}"
        )
    shown, total = len(result["events"]), result["total"]
    print(f"{shown} of {total} events" if shown < total else f"{total} events", file=sys.stderr)
    return 0

"""Building the public static site of a case: plain files that work from any web server or from file://.

The site is built in a scratch folder next to ``out``, checked by ``guard.scan_site`` and only then
moved into place, so a failed or refused build never leaves half a site (and never replaces a good one).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from unsealed import __version__
from unsealed.people import schema as people_schema
from unsealed.publish import collect, documents, guard, images, pages, search_index
from unsealed.publish.redact import DEFAULT, NEVER, Redactor

MARKER = ".unsealed-site"
PHOTOS_PER_PERSON = 3


class PublishError(Exception):
    """The site cannot be built as asked; the message says what to do."""


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise PublishError(f"{out} is a file: give a folder for --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise PublishError(f"{out} is not empty and was not written by 'unsealed publish': choose an empty or new "
                           "folder (nothing in it was changed)")


def _policy_summary(red: Redactor) -> str:
    if not red.fields:
        return "Nothing is redacted in this copy (built with --no-redact)."
    on = [f for f, _, active in red.describe() if active]
    text = "Redacted here: " + ", ".join(on) + "."
    if "id_number" in red.fields:
        text += " ID numbers show only the region code and birth year (the first 10 characters)."
    if "address" in red.fields or "phone" in red.fields:
        text += " Addresses and phone numbers are removed, also from free text and file paths."
    return text + " Notes and audit data are never published."


def _photos(case, people, work: Path, workers: int) -> tuple[int, list[str]]:
    jobs, owners = [], {}
    for p in people:
        for n, ph in enumerate(p.photos[:PHOTOS_PER_PERSON], 1):
            src = case.blobs.path(ph["sha256"])
            if not src.exists():
                continue
            rel = f"photos/{p.pid}-{n}.jpg"
            jobs.append((src, work / rel))
            owners[str(work / rel)] = (ph, rel)
    (work / "photos").mkdir(parents=True, exist_ok=True)
    failed = []
    for dst, res in images.reencode_many(jobs, workers=workers).items():
        ph, rel = owners[dst]
        if isinstance(res, str):
            failed.append(f"{rel}: {res}")
        else:
            ph["file"], ph["w"], ph["h"] = rel, res[0], res[1]
    for p in people:
        p.photos = [ph for ph in p.photos if ph.get("file")]
    return sum(len(p.photos) for p in people), failed


def _composite(case, people, work: Path, detained_only: bool, workers: int, red: Redactor) -> dict | None:
    from unsealed.figures import make_mosaic

    by_pid = {p.pid: p for p in people if p.photos}
    if not by_pid:
        return None
    tile = 64 if len(by_pid) <= 4000 else 48
    with tempfile.TemporaryDirectory(prefix="unsealed-mosaic-") as tmp:
        doc = make_mosaic(case, Path(tmp) / "composite.jpg", detained=detained_only, tile=tile, workers=workers)
        size = images.reencode(Path(tmp) / "composite.jpg", work / "composite.jpg",
                               max_side=max(doc["width"], doc["height"]), quality=80)
    tiles = []
    for t in doc["tiles"]:
        p = by_pid.get(t["person"])
        if p is None:
            continue  # not published (the mosaic selects the same people, so this does not happen)
        tiles.append({"x": t["x"], "y": t["y"], "w": t["w"], "h": t["h"], "pid": p.pid,
                      "label": f"{p.name} {p.id_shown}".strip()})
    return {"count": doc["count"], "width": size[0], "height": size[1], "tiles": tiles,
            "order": red.text(doc.get("order", "")).capitalize()}


def _figures(case, work: Path, red: Redactor) -> tuple[list[dict], list[str], list[str]]:
    from unsealed.figures import compute_stats, write_charts

    stats = compute_stats(case)
    figures = []
    for f in stats.get("figures", []):
        figures.append({
            "title": red.text(f.get("title")), "value": f.get("value"), "unit": red.text(f.get("unit") or ""),
            "definition": red.text(f.get("definition") or ""),
            "breakdown": [{"key": red.text(b.get("key")), "value": b.get("value")}
                          for b in f.get("breakdown", [])[:30]],
        })
    written = write_charts(stats, work / "charts", formats=("svg",))
    charts = [f"charts/{Path(f).name}" for f in written.get("files", [])]
    return figures, charts, list(written.get("warnings", []))


def publish_site(case, out: Path | str, *, detained_only: bool = False, redact: frozenset[str] | None = None,
                 workers: int = 2, title: str = "Leaked police files: the people",
                 progress: Callable[[str], None] | None = None) -> dict:
    """Write the public site of ``case`` into ``out``; returns a summary (keys in the README).

    ``redact`` is the set of redacted fields (``redact.DEFAULT`` when None, empty for no redaction).
    Raises PublishError when the case has no people tables, ``out`` is unusable, or the final scan
    finds an unredacted value (then nothing is written).
    """
    started = time.perf_counter()
    say = progress or (lambda _msg: None)
    out = Path(out)
    _check_out(out)
    fields = DEFAULT if redact is None else frozenset(redact)
    conn = case.conn
    if not people_schema.exists(conn):
        raise PublishError(f"the case has no people tables yet: run 'unsealed people --rebuild --case {case.root}'")
    warnings = [] if people_schema.is_current(conn) else [
        "the people tables are older than the catalog: run 'unsealed people --rebuild' for a current site"]
    ids = collect.select_ids(conn, detained_only)
    addresses = collect.known_addresses(conn)
    withheld = collect.withheld_name_keys(conn, set(ids)) if detained_only and fields else frozenset()
    red = Redactor(fields=fields, addresses=addresses, withheld_names=withheld)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    except OSError as exc:
        raise PublishError(f"cannot write next to {out}: {exc.strerror}") from exc
    try:
        say("people")
        people = collect.collect_people(conn, ids, red)
        say("photos")
        photo_count, photo_failed = _photos(case, people, work, workers) if not red.on("photo") else (0, [])
        composite = None
        if photo_count:
            say("composite")
            try:
                composite = _composite(case, people, work, detained_only, workers, red)
            except Exception as exc:  # noqa: BLE001 - the site is still useful without it; say why
                warnings.append(f"no composite: {exc}")
        say("figures")
        try:
            figures, charts, chart_warnings = _figures(case, work, red)
            warnings += chart_warnings
        except Exception as exc:  # noqa: BLE001 - as above
            figures, charts = [], []
            warnings.append(f"no figures: {exc}")
        say("documents")
        docs = documents.collect_documents(conn, red)
        (work / "files").mkdir()
        for d in docs:
            if d.publish:
                d.file = f"files/{d.sha256}{d.ext}"
                shutil.copyfile(case.blobs.path(d.sha256), work / d.file)
        say("pages")
        site = {
            "title": title, "people": len(people), "photos": photo_count, "documents": len(docs),
            "documents_published": sum(d.publish for d in docs), "composite": composite is not None,
            "figures": bool(figures), "detained_only": detained_only, "unredacted": not fields,
            "policy_summary": _policy_summary(red), "version": __version__,
            "footer": "Published with unsealed. Every person's data is shown as the leaked files give it.",
        }
        r = pages.Renderer(work, site)
        r.write("index.html", "index.html")
        r.people(people)
        r.documents(docs)
        if composite:
            r.write("composite.html", "composite.html", **composite)
        if figures:
            r.write("figures.html", "figures.html", figures=figures, charts=charts)
        r.write("redaction.html", "redaction.html", policy=red.describe(),
                documents_rule=" ".join(documents.__doc__.split("\n\n")[1].split()))
        index_bytes = search_index.write_index(people, work / "search-index.js", masked=red.on("id_number"))
        (work / "assets").mkdir()
        static = resources.files("unsealed.publish").joinpath("static")
        for name in ("style.css", "search.js"):
            (work / "assets" / name).write_bytes(static.joinpath(name).read_bytes())
        manifest = {"generator": f"unsealed {__version__}", "redacted": sorted(fields), "never_published": list(NEVER),
                    "detained_only": detained_only, "people": len(people), "photos": photo_count,
                    "documents": [{"sha256": d.sha256, "published": d.publish, "file": d.file or None} for d in docs]}
        text = json.dumps(manifest, ensure_ascii=False, separators=(",", ":"))
        (work / "manifest.json").write_text(text, encoding="utf-8")
        (work / MARKER).write_text("written by unsealed publish; the folder is replaced on the next publish\n")
        say("scan")
        if fields:
            known_ids = {r[0] for r in conn.execute("SELECT id_number FROM persons WHERE id_number IS NOT NULL")}
            known_ids |= {r[0] for r in conn.execute("SELECT value FROM person_values WHERE field = 'id_number'")}
            leaks = guard.scan_site(work, known_ids, addresses, check_ids=red.on("id_number"),
                                    check_addresses=red.on("address"))
            if leaks:
                raise PublishError(f"refusing to publish: {len(leaks)} file(s) would leak personal data, e.g. "
                                   + "; ".join(leaks[:3]) + " (please report this as a bug)")
        files, size = 0, 0
        for f in work.rglob("*"):
            if f.is_file():
                files += 1
                size += f.stat().st_size
        _swap(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return {
        "out": str(out), "people": len(people), "detained_only": detained_only, "photos": photo_count,
        "photos_failed": photo_failed, "composite": composite is not None, "figures": bool(figures),
        "documents": len(docs), "documents_published": sum(d.publish for d in docs), "redacted": sorted(fields),
        "files": files, "bytes": size, "search_index_bytes": index_bytes, "warnings": warnings,
        "seconds": round(time.perf_counter() - started, 2),
    }


def _swap(work: Path, out: Path) -> None:
    """Put the new site in place of ``out`` (an older site there is removed only once the new one is ready)."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{int(time.time())}")
        out.rename(old)
    work.rename(out)
    out.chmod(0o755)  # mkdtemp made it private; a web server must read it
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)

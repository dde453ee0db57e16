"""The composite of all faces: one photo per person as a tile, with a clickable map of who is where.

``make_mosaic`` writes the image (JPEG, or PNG by its suffix) and, beside it and named after it,
an HTML image map (each tile links to the person's page) and a JSON list of tiles
(``{"tiles": [{"person", "id_number", "photo", "x", "y", "w", "h"}], ...}``).

Which photo: the person's earliest-taken linked photo (undated ones last), then by path; when it
cannot be decoded the next one is tried, and a person with no readable photo is listed under
``skipped`` with the reason. Order: persons by the time their chosen photo was taken, then its path,
then person id, so the same case gives the same bytes. Memory stays bounded: JPEGs are decoded
at reduced size (Pillow ``draft``) in worker processes, a few chunks in flight, and each tile is
pasted into the canvas as it arrives; only the canvas is held whole.
"""

from __future__ import annotations

import html
import json
import math
import multiprocessing as mp
import os
import string
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

MAX_CANVAS_PIXELS = 250_000_000  # ~750 MB of RGB; past that the caller should choose smaller tiles
ASPECT = 4 / 3  # tile height / width: ID-photo portrait, as the detainee photos are
LINK = "people/{person_id}.html"
_FIELDS = {"person_id", "id_number"}


class MosaicError(ValueError):
    """The mosaic cannot be made as asked; the message says what to change."""


@dataclass(slots=True)
class Selected:
    person: str
    id_number: str | None
    candidates: list[tuple[str, str, str | None]]  # (sha256, logical path, taken), best first


def select(case, *, detained: bool = False) -> list[Selected]:
    """One entry per photographed person (only the detained if asked), in mosaic order."""
    from unsealed.people import schema

    conn = case.conn
    if not schema.exists(conn):
        return []
    by_person: dict[str, Selected] = {}
    where = " AND p.detained = 1" if detained else ""
    for pid, idn, sha, path, taken in conn.execute(
        "SELECT l.person_id, p.id_number, i.sha256, l.path, l.taken FROM person_links l"
        " JOIN persons p ON p.id = l.person_id JOIN items i ON i.id = l.item_id"
        f" WHERE l.kind = 'photo' AND i.sha256 IS NOT NULL{where}"
    ):
        entry = by_person.setdefault(pid, Selected(pid, idn, []))
        entry.candidates.append((sha, path, taken))
    for entry in by_person.values():
        entry.candidates.sort(key=lambda c: (c[2] is None, c[2] or "", c[1], c[0]))
        seen: set[str] = set()  # the same bytes at two paths are one candidate
        entry.candidates = [c for c in entry.candidates if not (c[0] in seen or seen.add(c[0]))]
    return sorted(by_person.values(),
                  key=lambda s: (s.candidates[0][2] is None, s.candidates[0][2] or "", s.candidates[0][1], s.person))


def check_link(pattern: str) -> str:
    """The link pattern if it only uses {person_id} and {id_number}; else MosaicError."""
    try:
        names = {name for _lit, name, _spec, _conv in string.Formatter().parse(pattern) if name is not None}
    except ValueError as exc:
        raise MosaicError(f"bad link pattern {pattern!r}: {exc}") from exc
    unknown = names - _FIELDS
    if unknown:
        raise MosaicError(f"the link pattern may use {{person_id}} and {{id_number}}, not "
                          f"{', '.join('{' + n + '}' for n in sorted(unknown))}")
    return pattern


def decode_tile(path: str, size: tuple[int, int]) -> bytes:
    """One photo as raw RGB bytes of exactly ``size``: decoded at reduced size, turned upright, cropped."""
    from PIL import Image, ImageOps

    with Image.open(path) as im:
        im.draft("RGB", size)  # JPEG: libjpeg scales by 1/2..1/8 while decoding (no-op for other formats)
        im = ImageOps.exif_transpose(im)
        im = ImageOps.fit(im.convert("RGB"), size, Image.Resampling.BILINEAR, centering=(0.5, 0.4))
        return im.tobytes()


def _decode_chunk(jobs: list[tuple[int, list[str]]], size: tuple[int, int]) -> list[tuple[int, int, object]]:
    """Decode each job's first readable candidate: (job index, candidate used or -1, bytes or the errors)."""
    out = []
    for index, paths in jobs:
        errors = []
        for n, path in enumerate(paths):
            try:
                out.append((index, n, decode_tile(path, size)))
                break
            except MemoryError:
                errors.append("too large to decode")
            except Exception as exc:  # noqa: BLE001 - any damage to one photo only skips that photo
                errors.append(_reason(exc))
        else:
            out.append((index, -1, errors))
    return out


def _reason(exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return "original missing from the case (run 'unsealed fsck')"
    return f"{type(exc).__name__}: {exc}"[:200]


def _decoded(case, selected: list[Selected], size, workers: int, chunk: int):
    """(index, candidate used, bytes | errors) for every selected person, in order."""
    jobs = [(i, [str(case.blobs.path(c[0])) for c in s.candidates]) for i, s in enumerate(selected)]
    chunks = [jobs[i:i + chunk] for i in range(0, len(jobs), chunk)]
    if workers <= 1 or len(chunks) <= 1:
        for c in chunks:
            yield from _decode_chunk(c, size)
        return
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(method)) as pool:
        pending: deque = deque()
        todo = iter(chunks)
        for c in todo:  # keep a few chunks in flight per worker: bounded memory, workers never idle
            pending.append(pool.submit(_decode_chunk, c, size))
            if len(pending) >= 2 * workers:
                break
        while pending:
            results = pending.popleft().result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(pool.submit(_decode_chunk, nxt, size))
            yield from results


def make_mosaic(case, out: Path | str, *, detained: bool = False, tile: int = 64, cols: int | None = None,
                link: str = LINK, limit: int | None = None, workers: int = 2, chunk: int = 48,
                quality: int = 85, progress: Callable[[int, int], None] | None = None) -> dict:
    """Write the composite image, its HTML map and JSON tile list; returns the JSON written (+ files)."""
    started = time.perf_counter()
    out = Path(out)
    fmt = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}.get(out.suffix.lower())
    if fmt is None:
        raise MosaicError(f"the composite must be a .jpg, .jpeg or .png file, not {out.name!r}")
    if not 8 <= tile <= 1024:
        raise MosaicError("--tile must be between 8 and 1024 pixels")
    if cols is not None and cols < 1:
        raise MosaicError("--cols must be 1 or more")
    if limit is not None and limit < 0:
        raise MosaicError("--limit must be 0 or more")
    check_link(link)
    selected = select(case, detained=detained)
    if limit is not None:
        selected = selected[:limit]
    if not selected:
        raise MosaicError("no photographed " + ("detained " if detained else "") + "person in this case: nothing "
                          "to tile (photos are linked to persons by the ID number in their names)")
    tw, th = tile, round(tile * ASPECT)
    ncols = cols or max(1, math.ceil(math.sqrt(len(selected) * th / tw)))
    nrows = math.ceil(len(selected) / ncols)
    if ncols * tw * nrows * th > MAX_CANVAS_PIXELS:
        raise MosaicError(f"{ncols * tw} x {nrows * th} pixels is too large: choose a smaller --tile")
    from PIL import Image

    canvas = Image.new("RGB", (ncols * tw, nrows * th), (255, 255, 255))
    tiles, skipped = [], []
    for done, (index, used, data) in enumerate(_decoded(case, selected, (tw, th), workers, chunk), 1):
        s = selected[index]
        if used < 0:
            skipped.append({"person": s.person, "id_number": s.id_number,
                            "photos": [c[1] for c in s.candidates], "errors": data})
        else:
            k = len(tiles)
            x, y = k % ncols * tw, k // ncols * th
            canvas.paste(Image.frombytes("RGB", (tw, th), data), (x, y))
            tiles.append({"person": s.person, "id_number": s.id_number, "photo": s.candidates[used][1],
                          "x": x, "y": y, "w": tw, "h": th})
        if progress and (done % 200 == 0 or done == len(selected)):
            progress(done, len(selected))
    used_rows = max(1, math.ceil(len(tiles) / ncols))
    if used_rows < nrows:
        canvas = canvas.crop((0, 0, ncols * tw, used_rows * th))
    doc = {"image": out.name, "width": canvas.width, "height": canvas.height, "tile": {"w": tw, "h": th},
           "cols": ncols, "count": len(tiles), "detained_only": detained, "link": link,
           "order": "by the time each person's photo was taken (undated last), then its path, then person id",
           "tiles": tiles, "skipped": skipped}
    html_path, json_path = out.with_suffix(".html"), out.with_suffix(".json")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _atomic(out, lambda f: canvas.save(f, fmt, **({"quality": quality} if fmt == "JPEG" else {})))
        _atomic(html_path, lambda f: f.write(image_map(doc).encode("utf-8")))
        _atomic(json_path, lambda f: f.write(json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")))
    except OSError as exc:
        raise MosaicError(f"cannot write the composite next to {out}: {exc.strerror or exc}") from exc
    return {**doc, "files": {"image": str(out), "html": str(html_path), "json": str(json_path)},
            "seconds": round(time.perf_counter() - started, 2)}


def _atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            write(f)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def image_map(doc: dict) -> str:
    """An HTML page showing the composite with one link per tile (``doc`` as written to the JSON)."""
    name = "faces"
    areas = []
    for t in doc["tiles"]:
        href = doc["link"].format(person_id=t["person"], id_number=t["id_number"] or "")
        label = html.escape(t["id_number"] or t["person"])
        areas.append(f'<area shape="rect" coords="{t["x"]},{t["y"]},{t["x"] + t["w"]},{t["y"] + t["h"]}" '
                     f'href="{html.escape(href)}" alt="{label}" title="{label}">')
    return ("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Composite of "
            f"{doc['count']} photographed persons</title></head>\n<body>\n"
            f"<img src=\"{html.escape(quote(doc['image']))}\" width=\"{doc['width']}\" height=\"{doc['height']}\" "
            f"usemap=\"#{name}\" alt=\"Composite of {doc['count']} photographed persons\">\n"
            f"<map name=\"{name}\">\n" + "\n".join(areas) + "\n</map>\n</body></html>\n")

"""FollowTheMoney (FtM) export: the case as entities, one JSON object per line, as ``ftm`` and Aleph read them.

- ``Person`` per person: name, idNumber, birthDate, gender, nationality (cn), ethnicity, address,
  alias (pinyin), position (staff), description (detention facts as the lists give them).
- One document entity per item (file or archive member), its schema chosen by content:
  ``Package`` (archives), ``Image``, ``Table`` (spreadsheets, CSV), ``Pages`` (PDF, Word, ...),
  ``PlainText``, ``HyperText``, ``Email``, else ``Document``; with fileName, fileSize, mimeType,
  extension, contentHash (SHA-1, computed from the stored original, as FtM defines it), title,
  author, dates, processing status and error, bodyText (the extracted text), ``parent`` (the
  archive holding it) and, for photos, ``pictured`` (the persons whose ID the photo carries).
- ``Family`` between persons (relationship as written: 父亲, 妻子, ...), once per pair and relation.
- ``Documentation`` between a document and each person it gives evidence about (a table row, a
  photo, an ID number in its text), with the role saying how. FtM's ``Mention`` is meant for a name
  found in a document and not yet resolved to an entity, and ``UnknownLink`` for two entities of
  unknown relation; here the person is resolved (by ID number) and the document is evidence about
  them, which is what ``Documentation`` ("links some entity to a document, which might provide
  further detail or evidence") is for.

The export is internal, for partners: nothing is redacted.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator

from unsealed.ingest.detect import KINDS, family_of
from unsealed.records import idnumber

SCHEMA_BY_FAMILY = {"archive": "Package", "image": "Image", "sheet": "Table", "pdf": "Pages", "doc": "Pages",
                    "text": "PlainText", "html": "HyperText", "email": "Email"}
FOLDERS = {"Package", "Email", "Folder"}  # schemata FtM allows as a parent
MAX_BODY = 2_000_000
DETENTION = (("reason", "reason"), ("status", "status"), ("facility", "facility"), ("sentence", "sentence"),
             ("building", "building"), ("cell", "cell"), ("detention_date", "detained on"))


def person_entity_id(pid: str) -> str:
    return f"unsealed-person-{pid}"


def item_entity_id(root: str, path: str) -> str:
    return "unsealed-file-" + hashlib.sha1(f"{root}\0{path}".encode()).hexdigest()[:24]


def _sha1(path) -> str | None:
    h = hashlib.sha1()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def _date(value) -> str | None:
    if not value:
        return None
    text = str(value)
    return text[:19] if len(text) >= 10 and text[4] == "-" else None


def persons(conn, model) -> Iterator:
    """Person entities."""
    for r in conn.execute("SELECT * FROM persons ORDER BY first_source, id"):
        e = model.make_entity("Person")
        e.id = person_entity_id(r["id"])
        fields = json.loads(r["fields"] or "{}")
        e.add("name", r["name"] or "(no name)")
        if r["id_number"]:
            e.add("idNumber", r["id_number"])
        e.add("birthDate", r["birth_date"])
        e.add("gender", r["gender"])
        e.add("nationality", "cn")
        e.add("ethnicity", r["ethnicity"])
        e.add("address", fields.get("address"))
        pinyin = next((t for t in (r["search"] or "").split("|") if t and t.isascii()), None)
        e.add("alias", pinyin)
        if r["staff"]:
            e.add("position", fields.get("role") or "staff")
        facts = [f"{label}: {fields[k]}" for k, label in DETENTION if fields.get(k)]
        if r["detained"]:
            age = r["age_at_detention"]
            facts.insert(0, "detained" + (f" aged {age}" if age is not None else ""))
        if facts:
            e.add("description", "; ".join(facts))
        yield e


def _body(conn, sha: str) -> str:
    text = "\n\n".join(t for (t,) in conn.execute(
        "SELECT text FROM pages WHERE sha256 = ? ORDER BY number, source = 'ocr'", (sha,)))
    return text[:MAX_BODY]


def documents(case, model) -> Iterator:
    """One entity per item, parents before children."""
    conn = case.conn
    pictured: dict[int, set[str]] = defaultdict(set)
    for item_id, pid in conn.execute("SELECT item_id, person_id FROM person_links WHERE kind = 'photo'"):
        pictured[item_id].add(pid)
    has_children = {r[0] for r in conn.execute("SELECT DISTINCT parent_id FROM items WHERE parent_id IS NOT NULL")}
    sha1: dict[str, str | None] = {}
    schema_of: dict[int, str] = {}
    eid_of: dict[int, str] = {}
    rows = conn.execute(
        "SELECT i.*, b.kind, b.mime, e.status AS est, e.error AS eerr, e.metadata FROM items i"
        " LEFT JOIN blobs b ON b.sha256 = i.sha256 LEFT JOIN extractions e ON e.sha256 = i.sha256"
        " ORDER BY i.depth, i.id")
    for r in rows:
        kind = r["kind"] or "unknown"
        schema = SCHEMA_BY_FAMILY.get(family_of(kind), "Document")
        if r["id"] in has_children and schema not in FOLDERS:
            schema = "Folder" if schema == "Document" else schema
        e = model.make_entity(schema)
        e.id = eid_of[r["id"]] = item_entity_id(r["root"], r["path"])
        schema_of[r["id"]] = schema
        name = r["path"].rsplit("/", 1)[-1]
        e.add("fileName", name)
        e.add("title", name)
        e.add("fileSize", r["size"])
        e.add("mimeType", r["mime"])
        exts = KINDS.get(kind, KINDS["unknown"])[2]
        if "." in name:
            e.add("extension", name.rsplit(".", 1)[-1].lower())
        elif exts:
            e.add("extension", exts[0].lstrip("."))
        if r["sha256"]:
            if r["sha256"] not in sha1:
                sha1[r["sha256"]] = _sha1(case.blobs.path(r["sha256"]))
            e.add("contentHash", sha1[r["sha256"]])
        parent = r["parent_id"]
        if parent is not None and schema_of.get(parent) in FOLDERS:
            e.add("parent", eid_of[parent])
        meta = json.loads(r["metadata"] or "{}") if r["metadata"] else {}
        if meta.get("title"):
            e.set("title", str(meta["title"]))
        e.add("author", meta.get("author"))
        e.add("generator", meta.get("application"))
        e.add("authoredAt", _date(meta.get("created")))
        e.add("modifiedAt", _date(meta.get("modified")))
        e.add("language", meta.get("language") if isinstance(meta.get("language"), str) else None)
        failed = r["status"] != "ok" or r["est"] not in (None, "ok", "partial")
        e.add("processingStatus", "failure" if failed else "success")
        e.add("processingError", r["error"] or r["eerr"])
        e.add("notes", f"SHA-256 {r['sha256']}" if r["sha256"] else None)
        e.add("notes", f"path: {r['path']} (source root {r['root']})")
        if schema == "Image":
            e.add("pictured", [person_entity_id(p) for p in sorted(pictured.get(r["id"], ()))])
        elif schema == "Table":
            e.add("rowCount", conn.execute("SELECT COUNT(*) FROM table_rows WHERE sha256 = ?", (r["sha256"],)
                                           ).fetchone()[0] if r["sha256"] else None)
        elif schema not in ("Package", "Folder") and r["sha256"]:
            body = _body(conn, r["sha256"])
            if body:
                e.add("bodyText", body)
        yield e
    yield from _documentation(conn, model, eid_of)


def _documentation(conn, model, eid_of: dict[int, str]) -> Iterator:
    roles: dict[tuple[str, int], set[str]] = defaultdict(set)
    for pid, item, sheet, row in conn.execute(
            "SELECT DISTINCT person_id, item_id, sheet, row FROM person_values"
            " WHERE item_id IS NOT NULL AND basis != 'check'"):
        where = f"sheet {sheet}, row {row}" if sheet else (f"row {row}" if row else "file name")
        roles[(pid, item)].add(f"named in {where}")
    for pid, item, basis in conn.execute("SELECT person_id, item_id, basis FROM person_links"):
        roles[(pid, item)].add(f"photo (ID number in the {basis})")
    by_number = {n: pid for pid, n in conn.execute("SELECT id, id_number FROM persons WHERE id_number IS NOT NULL")}
    texts = conn.execute(
        "SELECT i.id, group_concat(p.text, char(10)) FROM items i JOIN pages p ON p.sha256 = i.sha256 GROUP BY i.id")
    for item, text in texts:
        for found in idnumber.find_in_text(text or ""):
            pid = by_number.get(found.number)
            if pid:
                roles[(pid, item)].add("ID number in the text")
    for (pid, item), what in sorted(roles.items()):
        if item not in eid_of:
            continue
        e = model.make_entity("Documentation")
        e.id = "unsealed-doc-" + hashlib.sha1(f"{pid}\0{eid_of[item]}".encode()).hexdigest()[:24]
        e.add("document", eid_of[item])
        e.add("entity", person_entity_id(pid))
        e.add("role", "; ".join(sorted(what)))
        yield e


def families(conn, model) -> Iterator:
    """Family edges, one per (person, relative, relation); an inverse is kept only when nothing was written."""
    written: dict[tuple[str, str], list[str]] = defaultdict(list)
    inverse: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pid, other, relation, basis in conn.execute(
            "SELECT person_id, other_id, relation, basis FROM relations ORDER BY rowid"):
        (written if basis == "as written" else inverse)[(pid, other)].append(relation)
    pairs = dict(written)
    for (pid, other), rels in inverse.items():
        if (pid, other) not in written and (other, pid) not in written:
            pairs[(pid, other)] = rels
    for (pid, other), rels in sorted(pairs.items()):
        for relation in dict.fromkeys(rels):
            e = model.make_entity("Family")
            e.id = "unsealed-family-" + hashlib.sha1(f"{pid}\0{other}\0{relation}".encode()).hexdigest()[:24]
            e.add("person", person_entity_id(pid))
            e.add("relative", person_entity_id(other))
            e.add("relationship", relation)  # what the relative is to the person
            yield e


def write_ftm(case, fh) -> dict:
    """Write every entity as one JSON line to the text stream ``fh``; returns counts by schema."""
    from followthemoney import model

    counts: dict[str, int] = defaultdict(int)
    conn = case.conn
    for source in (persons(conn, model), families(conn, model), documents(case, model)):
        for e in source:
            fh.write(json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True))
            fh.write("\n")
            counts[e.schema.name] += 1
    return dict(sorted(counts.items()))

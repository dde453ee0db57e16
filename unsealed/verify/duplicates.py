"""Check 7, duplicates: exact copies (same SHA-256 at different paths) and near-duplicate images.

Near duplicates are images whose 64-bit perceptual hashes (see ``imagehash_cache``) differ in at
most ``NEAR_BITS`` bits, found by multi-index hashing (``near_pairs``), never by comparing every
pair, and grouped (connected components). Copies are no red flag in themselves (leaks are full of
backups): findings are ``info``, except when the very same bytes are filed under two different ID
numbers, which is a ``warn``. A near duplicate under another ID stays ``info`` and says so: pictures
of the same setting can land this close by chance.

Threshold, measured on the 20,000-person synthetic cache (12,421 distinct photos, 77 million pairs;
``python bench/accuracy.py --verify``): the 80 planted copies (re-encoded at quality 50 or resized)
lie at 0 bits (69) or 2 bits (11); unrelated pairs lie at 2 bits 34 times, 4 bits 827 times, 6 bits
7,281 times (phash sets exactly half its bits, so distances are even). 2 bits keeps every planted
copy and admits about one chance pair in two million.
"""

from __future__ import annotations

from collections import defaultdict

from unsealed.people.photos import ids_in_path
from unsealed.verify.base import INFO, WARN, Check, Context, Finding, Result, id_in_path, status_of

NEAR_BITS = 2
BITS = 64


def _chunks(bits: int) -> list[tuple[int, int]]:
    """(shift, mask) of ``bits + 1`` nearly equal slices of a 64-bit hash."""
    parts = bits + 1
    sizes = [BITS // parts + (1 if i < BITS % parts else 0) for i in range(parts)]
    out, shift = [], 0
    for size in sizes:
        out.append((shift, (1 << size) - 1))
        shift += size
    return out


def near_pairs(hashes: dict[str, int], bits: int = NEAR_BITS) -> list[tuple[str, str, int]]:
    """Every pair of keys whose hashes differ in at most ``bits`` bits: (a, b, distance), a < b.

    Multi-index hashing: split each hash into ``bits + 1`` slices; two hashes within ``bits`` bits
    agree exactly on at least one slice (pigeonhole), so only hashes sharing a slice value are
    compared. Written here because no maintained Python library does this for plain integers, and
    a pure-Python BK-tree is slower at these small radii.
    """
    keys = sorted(hashes)
    seen: set[tuple[str, str]] = set()
    out = []
    for shift, mask in _chunks(bits):
        buckets: dict[int, list[str]] = defaultdict(list)
        for k in keys:
            buckets[(hashes[k] >> shift) & mask].append(k)
        for members in buckets.values():
            if len(members) < 2:
                continue
            for i, a in enumerate(members):
                ha = hashes[a]
                for b in members[i + 1 :]:
                    d = (ha ^ hashes[b]).bit_count()
                    if d <= bits and (a, b) not in seen:
                        seen.add((a, b))
                        out.append((a, b, d))
    return sorted(out)


def _groups(edges: list[tuple[str, str, int]]) -> list[list[str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, _d in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = defaultdict(list)
    for x in list(parent):
        groups[find(x)].append(x)
    return sorted(sorted(g) for g in groups.values())


def _ids(paths: list[str]) -> set[str]:
    return {p.number for path in paths for p in ids_in_path(path)[0]}


def run(ctx: Context) -> Result:
    paths_of: dict[str, list[str]] = defaultdict(list)
    for m in ctx.items:
        paths_of[m.sha256].append(m.path)
    sizes = dict(ctx.conn.execute("SELECT sha256, size FROM blobs"))
    findings: list[Finding] = []
    exact = 0
    for sha, paths in sorted(paths_of.items(), key=lambda kv: kv[1][0]):
        paths = sorted(set(paths))
        if len(paths) < 2 or not sizes.get(sha):
            continue
        exact += 1
        ids = _ids(paths)
        severity = WARN if len(ids) > 1 else INFO
        for p in paths[1:]:
            findings.append(
                Finding(
                    "exact_duplicate",
                    severity,
                    f"same bytes as {paths[0]}"
                    + (f" ({len(paths)} copies)" if len(paths) > 2 else "")
                    + (
                        f"; filed under different ID numbers: {', '.join(sorted(ids))}"
                        if severity == WARN
                        else ""
                    ),
                    path=p,
                    id_number=id_in_path(p),
                    values={"same_as": paths[0], "sha256": sha, "copies": paths},
                )
            )
    facts = ctx.image_hashes
    hashes = {
        sha: facts[sha].phash
        for sha in {m.sha256 for m in ctx.images}
        if sha in facts and facts[sha].phash is not None
    }
    edges = near_pairs(hashes)
    distance = {(a, b): d for a, b, d in edges}
    near_groups = _groups(edges)
    for group in near_groups:
        members = sorted((min(paths_of[sha]), sha) for sha in group)
        first_path, first_sha = members[0]
        all_paths = sorted(p for sha in group for p in paths_of[sha])
        ids = _ids(all_paths)
        for path, sha in members[1:]:
            d = distance.get(tuple(sorted((first_sha, sha))))
            how = f" ({d} of 64 perceptual-hash bits differ)" if d is not None else " (via another copy)"
            other = (
                (
                    f"; filed under different ID numbers ({', '.join(sorted(ids))}): compare them by eye, "
                    "pictures of one setting can be this close by chance"
                )
                if len(ids) > 1
                else ""
            )
            findings.append(
                Finding(
                    "near_duplicate",
                    INFO,
                    f"the same picture as {first_path}{how}{other}",
                    path=path,
                    id_number=id_in_path(path),
                    values={
                        "same_as": first_path,
                        "hash_distance_bits": d,
                        "group": all_paths,
                        "id_numbers": sorted(ids),
                    },
                )
            )
    summary = (
        f"{exact:,} files exist at more than one path (same SHA-256); {len(near_groups):,} groups of "
        f"near-duplicate images ({sum(len(g) for g in near_groups):,} distinct images within {NEAR_BITS} "
        f"perceptual-hash bits) among {len(hashes):,} hashed images"
    )
    cross = sum(1 for f in findings if f.severity == WARN)
    if cross:
        summary += f"; {cross} exact copies filed under different ID numbers"
    figures = {
        "exact_groups": exact,
        "near_groups": len(near_groups),
        "hashed_images": len(hashes),
        "near_bits": NEAR_BITS,
        "near_pairs": len(edges),
        "cross_id": cross,
        "near_pairs_by_distance": {
            str(b): sum(1 for *_x, d in edges if d == b) for b in range(NEAR_BITS + 1)
        },
    }
    chart = {
        "title": "Near-duplicate pairs by hash distance (bits)",
        "bars": [[str(b), figures["near_pairs_by_distance"][str(b)]] for b in range(NEAR_BITS + 1)],
    }
    return Result(status_of(findings), summary, findings, figures, chart)


CHECK = Check("duplicates", "Exact and near-duplicate files", 1, run)

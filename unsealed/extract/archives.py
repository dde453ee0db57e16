"""Archive extractor: zip, tar (plain or compressed), gzip, bzip2, xz, 7z and rar.

Every member becomes a :class:`Child` whose content is streamed into a file in
``ctx.workdir`` under a generated name (``m000001`` ...); the member's own name is
only ever a label, made safe by :mod:`unsealed.extract.safe_names`. Limits from
``ctx.limits`` (depth, member count, member size, ratio, total size, time) are
enforced on the bytes that really come out of the decompressor. Members that
could not be unpacked are still children, with a status and the reason.

One module per format family: ``archive_zip``, ``archive_tar`` (also single
gzip/bzip2/xz files), ``archive_7z``, ``archive_rar``; ``archive_sink`` holds the
limits and the writing.
"""

from __future__ import annotations

from pathlib import Path

from unsealed.extract.archive_sink import Sink
from unsealed.extract.base import Context, Extraction, Hostile, Probe

KINDS = frozenset({"zip", "tar", "gzip", "bzip2", "xz", "7z", "rar"})


def accepts(probe: Probe) -> bool:
    """Archives and compressed files, by content-detected kind."""
    return probe.kind in KINDS


def extract(path: Path, probe: Probe, ctx: Context) -> Extraction:
    """Unpack the archive at ``path`` into ``ctx.workdir``; children carry names, statuses and reasons."""
    limit = ctx.limits.max_depth
    if ctx.depth >= limit:
        raise Hostile(f"archive nested deeper than {limit} levels: not unpacked")
    sink = Sink(ctx, path)
    kind = probe.kind
    if kind == "zip":
        from unsealed.extract.archive_zip import read_zip

        meta = read_zip(path, sink)
    elif kind == "tar":
        from unsealed.extract.archive_tar import read_tar

        meta = read_tar(path, sink)
    elif kind in ("gzip", "bzip2", "xz"):
        from unsealed.extract.archive_tar import read_compressed

        meta = read_compressed(path, kind, probe.name, sink)
    elif kind == "7z":
        from unsealed.extract.archive_7z import read_7z

        meta = read_7z(path, sink)
    elif kind == "rar":
        from unsealed.extract.archive_rar import read_rar

        meta = read_rar(path, sink)
    else:
        raise ValueError(f"not an archive kind: {kind}")
    return sink.result(meta)

"""Feeding the index through worker processes: same documents as inline, in order, robust to dead workers."""

import os
import signal
import subprocess
import sys
import time

import pytest

from unsealed.search import feed as feedmod
from unsealed.search import tokenize
from unsealed.search.analysis import Analyser, analyse
from unsealed.search.engine import BlobInfo, Filters, Part
from unsealed.search.feed import BlobJob, feed
from unsealed.search.query import parse
from unsealed.search.tantivy_engine import TantivyEngine

TEXTS = [
    "阿依古丽·吐尔逊 身份证 653121199001011234 收押",
    "Police detained the protesters at the border",
    "ئۇيغۇرچە تېكىست ﺏﺎﻏ 开枪",
    "हिन्दी पाठ, ひらがな カタカナ 𠀀𠀁 😀!",
    "",
]


def _blob(n: int, paths=None) -> BlobInfo:
    return BlobInfo(sha256=f"{n:064x}", item_id=n, duplicates=1, kind="pdf", family="pdf",
                    paths=paths or [f"folder{n}/文件{n}.pdf"])


def _jobs(rows_in_big: int):
    """A big blob spanning several chunks, small ones, one without parts and one only deleted."""
    yield BlobJob(_blob(1).sha256, _blob(1), [Part(f"第{i}行 row{i} {TEXTS[i % 5]}", sheet="S", row=i)
                                               for i in range(rows_in_big)], mark="big")
    for n in range(2, 7):
        yield BlobJob(_blob(n).sha256, _blob(n), [Part(TEXTS[n - 2], page=1), Part("收押 page two", page=2)],
                      mark=f"small{n}")
    yield BlobJob(_blob(7).sha256, _blob(7), [], mark="empty")
    yield BlobJob(_blob(8).sha256, None, mark="gone")


def _count(engine, query: str) -> int:
    return engine.search(parse(query), Filters(), limit=1, facets=False).total


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(feedmod, "CHUNK_PARTS", 64)
    monkeypatch.setattr(feedmod, "MAX_IN_FLIGHT", 2)


@pytest.mark.parametrize("workers", [0, 1])
def test_feed_indexes_every_part_in_order_and_reports_each_blob_once(tmp_path, small_chunks, workers):
    engine = TantivyEngine.create(tmp_path / "index")
    done: list[tuple[str, int]] = []
    with Analyser(workers=workers, inline_first=0) as analyser:
        added = feed(engine, _jobs(300), lambda job, n: done.append((job.mark, n)), analyser)
        assert analyser.parallel == (workers > 0)
        if workers:
            assert analyser.worker_seconds > 0
    engine.commit()
    assert done == [("big", 300)] + [(f"small{n}", 2) for n in range(2, 7)] + [("empty", 0), ("gone", 0)]
    assert added == 310 == engine.num_docs()
    assert _count(engine, "row299") == 1  # the last part of the big blob, from its last chunk
    assert _count(engine, "第150行") == 1
    assert _count(engine, "收押") == 60 + 5 + 1  # big-blob rows with TEXTS[0], page twos, small2 page one
    assert _count(engine, "阿依古丽吐尔逊") == 61
    assert _count(engine, "path:文件3") == 2  # paths analysed in the worker too
    assert _count(engine, "6531211990") == 61  # ID prefix field
    assert _count(engine, "police") == 61 and _count(engine, "detain") == 61  # stems
    engine.close()


def test_feed_replaces_a_blobs_documents_unless_told_the_index_is_new(tmp_path, small_chunks):
    engine = TantivyEngine.create(tmp_path / "index")
    feed(engine, _jobs(100), lambda job, n: None, Analyser(workers=0))
    engine.commit()
    assert engine.num_docs() == 110
    # again, as a later sync does: every blob's documents are replaced, and blob 8 (deleted) stays gone
    feed(engine, _jobs(100), lambda job, n: None, Analyser(workers=0))
    engine.commit()
    assert engine.num_docs() == 110
    feed(engine, _jobs(100), lambda job, n: None, Analyser(workers=0), replace_existing=False)
    engine.commit()
    assert engine.num_docs() == 220  # what replace_existing=False would do wrongly on a non-empty index
    engine.close()


def test_a_killed_worker_costs_nothing(tmp_path, small_chunks):
    engine = TantivyEngine.create(tmp_path / "index")
    analyser = Analyser(workers=1, inline_first=0)
    killed = []

    def done(job, n):
        if not killed:  # the first blob is written: kill the worker while later chunks are in flight
            for pid in list(analyser._pool._processes):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    with analyser:
        added = feed(engine, _jobs(400), done, analyser)
    engine.commit()
    assert killed and not analyser.parallel  # the rest ran inline
    assert added == 410 == engine.num_docs()
    assert _count(engine, "row399") == 1
    engine.close()


def test_pretokenize_gives_the_same_tokens_as_the_token_pattern():
    texts = TEXTS + ["中文abc中 文。a,b", "x", "。", "  ", "张伟1990年 653121x", "١٢٣ ﻻ ﷲ"]
    for text in texts:
        body = analyse(text)[0]
        assert body.split() == tokenize.tokens(text), text
    assert tokenize.tokens("हिन्दी") == ["हिन्दी"]  # combining vowel signs stay inside the word
    assert tokenize.tokens("𠀀𠀁") == ["𠀀", "𠀁"]  # Han outside the BMP: one token each
    assert tokenize.tokens("ひらがな") == list("ひらがな")


CHILD = """
import sys, time
from unsealed.search.analysis import Analyser
if __name__ == "__main__":
    analyser = Analyser(workers=2, inline_first=0)
    analyser.result(analyser.submit(["收押 police"], [["a/b.txt"]]), ["收押 police"], [["a/b.txt"]])
    print(" ".join(str(pid) for pid in analyser._pool._processes), flush=True)
    time.sleep(60)
"""


def test_analysis_workers_end_when_the_main_process_is_killed_outright(tmp_path):
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        workers = [int(pid) for pid in child.stdout.readline().split()]
        assert workers and all(_alive(pid) for pid in workers)
        child.kill()  # SIGKILL: no cleanup runs in the main process
        child.wait(10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers)
    finally:
        child.kill()


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_jobs_without_parts_are_sent_on_in_bounded_chunks(tmp_path, monkeypatch):
    # a sync that only removes documents (files gone from the case) must not gather them all in memory
    monkeypatch.setattr(feedmod, "CHUNK_EVENTS", 16)
    engine = TantivyEngine.create(tmp_path / "index")
    sent: list[int] = []

    class Counting(Analyser):
        def submit(self, texts, path_lists):
            sent.append(len(texts))
            return super().submit(texts, path_lists)

    done: list[str] = []
    jobs = (BlobJob(f"{n:064x}", None, mark=str(n)) for n in range(100))
    feed(engine, jobs, lambda job, n: done.append(job.mark), Counting(workers=0))
    assert done == [str(n) for n in range(100)] and len(sent) == 13  # 200 events, 16 at most per chunk

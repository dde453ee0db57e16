"""Small pieces of the workbench: snippet sanitising, highlighting, --since, tags, background jobs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from unsealed.web import audit, graph, notes
from unsealed.web.jobs import Jobs
from unsealed.web.render import highlight, render, snippet


def test_snippets_keep_only_their_marks():
    assert str(snippet("a &lt;b&gt; <mark>收押</mark> c")) == "a &lt;b&gt; <mark>收押</mark> c"
    hostile = "x <script>alert(1)</script> <mark>y</mark> <img src=x onerror=alert(2)> <mark>"
    out = str(snippet(hostile))
    assert "<script>" not in out and "<img" not in out
    assert out.count("<mark>") == out.count("</mark>") == 2  # an unclosed mark is closed


def test_highlight_marks_query_terms_with_the_index_folding():
    from unsealed.search.query import parse, positive_terms

    terms = positive_terms(parse("阿依古丽吐尔逊"))
    out = str(highlight("名单：阿依古丽·吐尔逊 <b>", terms))
    assert "<mark>阿依古丽·吐尔逊</mark>" in out and "&lt;b&gt;" in out
    assert str(highlight("<i>", None)) == "&lt;i&gt;"


def test_since_accepts_dates_times_and_spans():
    now = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    assert audit.parse_since("7d", now) == "2026-01-03T12:00:00Z"
    assert audit.parse_since("30m", now) == "2026-01-10T11:30:00Z"
    assert audit.parse_since("2018-05-24") == "2018-05-24T00:00:00Z"
    assert audit.parse_since("2018-05-24T09:30+08:00") == "2018-05-24T01:30:00Z"
    assert audit.parse_since(None) is None
    with pytest.raises(audit.AuditError, match="--since takes"):
        audit.parse_since("last tuesday")


def test_tags_are_cleaned_and_bounded():
    assert notes.clean_tag("  key \u3000 evidence ") == "key evidence"
    for bad in ("", "   ", "x" * 41, "a\x00b"):
        with pytest.raises(notes.NoteError):
            notes.clean_tag(bad)


def test_jobs_run_once_per_stamp_and_keep_few_results():
    calls = []
    jobs = Jobs(keep=2)
    first = jobs.get("a", "s1", lambda: calls.append(1) or "one", wait=5)
    assert first.done and first.value == "one"
    assert jobs.get("a", "s1", lambda: calls.append(2) or "again", wait=5).value == "one"
    assert jobs.get("a", "s2", lambda: calls.append(3) or "two", wait=5).value == "two"
    assert calls == [1, 3]
    failed = jobs.get("b", "s", lambda: 1 / 0, wait=5)
    assert failed.done and "division" in failed.error
    jobs.get("c", "s", lambda: "c", wait=5)
    assert len(jobs._jobs) == 2


def test_relatives_graph_is_drawn_with_names_escaped():
    from unsealed.web.auth import User

    hostile = '"><svg onload=alert(1)>'
    person = {
        "id": "p1",
        "name": "<script>x</script>",
        "id_number": "653121",
        "gender": None,
        "birth_date": None,
        "ethnicity": None,
        "detained": False,
        "minor": False,
        "age_at_detention": None,
        "fields": {},
        "conflicts": [],
        "sources": [],
        "values": {},
        "photo_links": [],
        "relations": [
            {
                "id": "p2",
                "name": hostile,
                "id_number": None,
                "relation": "父亲",
                "basis": "as written",
                "path": "a.xlsx",
                "sheet": None,
                "row": 3,
                "column": "D",
            }
        ],
    }
    layout = graph.layout(person)
    assert [n["relation"] for n in layout["nodes"]] == ["父亲"]
    page = render(
        "person.html",
        user=User(1, "v", "viewer"),
        csrf="",
        case_name="c",
        path="/people/p1",
        person=person,
        photos=[],
        graph=layout,
        mentions=[],
        mention_error=None,
        notes={"notes": [], "tags": []},
        target="person",
        ref="p1",
    )
    assert '<svg class="graph"' in page and 'href="/people/p2"' in page
    assert "<svg onload" not in page and "<script>x" not in page
    assert "&lt;svg onload=alert(1)&gt;" in page or "&lt;svg onload=alert(1)" in page
    assert graph.layout({"id": "p", "relations": []}) is None

"""The build as an operation: rebuilds, empty cases, junk rows, progress reports, read-only cases."""

from __future__ import annotations

import pytest

from tests.people.helpers import HEADER, A, C, _people, add_image, add_table
from unsealed.people import build_people, get_person, list_people


def test_rebuild_is_idempotent_ids_stable_and_atomic(case, monkeypatch):
    add_table(
        case, "a.xlsx", {"S": [HEADER, ["1", "买合买提·达吾提", "男", "维吾尔族", "1990-01-01", A, "", ""]]}
    )
    build_people(case)
    first = list_people(case)
    add_table(
        case, "b.xlsx", {"S": [HEADER, ["1", "阿依古丽·吐尔逊", "女", "维吾尔族", "1985-03-03", C, "", ""]]}
    )
    build_people(case)
    second = _people(case)
    assert second[A]["id"] == first["people"][0]["id"] and len(second) == 2
    assert list_people(case)["people"] == list_people(case)["people"]

    from unsealed.people import build as build_mod

    def boom(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build_mod.resolve, "resolve", boom)
    with pytest.raises(RuntimeError):
        build_people(case)
    assert _people(case) == second  # the old tables survive a failed rebuild


def test_empty_and_unbuilt_cases(case):
    assert list_people(case) == {
        "people": [],
        "total": 0,
        "built": False,
        "definitions": list_people(case)["definitions"],
        "unlinked_photos": [],
    }
    assert get_person(case, A) is None
    counts = build_people(case)
    assert counts["persons"] == 0 and list_people(case)["people"] == []


def test_garbage_rows_never_crash(case):
    sha = add_table(
        case, "junk.xlsx", {"S": [HEADER, ["1", "x" * 500, "?", "", "not a date", "6.5E+999", "", ""]]}
    )
    case.conn.execute("INSERT INTO table_rows VALUES (?,?,?,?)", (sha, "S", 99, "not json"))
    case.conn.execute("INSERT INTO table_rows VALUES (?,?,?,?)", (sha, "S", 100, '{"a": 1}'))
    counts = build_people(case)
    assert counts["persons"] == 0


def test_progress_reports_done_and_total(case):
    for n in range(3):
        add_table(
            case,
            f"t{n}.xlsx",
            {"S": [HEADER, ["1", "买合买提·达吾提", "男", "维吾尔族", "1990-01-01", A, "", ""]]},
        )
    add_image(case, "x.jpg", {})
    calls = []
    build_people(case, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (4, 4)


def test_read_only_case_is_refused_with_a_clear_error(case, tmp_path):
    from unsealed.store.case import Case, CaseError

    with Case.open(tmp_path / "case", readonly=True) as ro, pytest.raises(CaseError, match="read-only"):
        build_people(ro)

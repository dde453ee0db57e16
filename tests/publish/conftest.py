from __future__ import annotations

import pytest

from tests.publish.casefix import small_case


@pytest.fixture(scope="session")
def synth_case(tmp_path_factory):
    """(case folder, truth dict) of the shared 200-person case."""
    return small_case(tmp_path_factory.getbasetemp() / "publish-case")


@pytest.fixture(scope="session")
def site(synth_case, tmp_path_factory):
    """(site folder, publish summary) of the shared case published with the default redaction."""
    from unsealed.publish import publish_site
    from unsealed.store.case import Case

    case_dir, _ = synth_case
    out = tmp_path_factory.mktemp("site") / "site"
    with Case.open(case_dir, readonly=True) as case:
        result = publish_site(case, out)
    return out, result

"""Publishing rules, whatever the store: same content = no-op; same label with other content
= conflict (never an edit in place); a new label = a new version."""

import pytest

from services.factors.domain.publishing import Outcome, decide
from services.factors.errors import VersionConflict
from tests.factors.conftest import custom_row, make_set


def test_publish_outcomes(units):
    v1 = make_set([custom_row()], units, version="2024")
    assert decide(None, v1) is Outcome.NEW
    assert decide(v1.content_sha256, make_set([custom_row()], units, version="2024")) is Outcome.UNCHANGED
    edited = make_set([custom_row(kgco2e_per_unit="0.11")], units, version="2024")
    with pytest.raises(VersionConflict, match="bailleur_dh@2024 is already published") as caught:
        decide(v1.content_sha256, edited)
    assert caught.value.field == "version"

"""One paging behaviour for every list RPC (services/runtime/paging.py)."""

import pytest

from services.api.quitus.common.v1.common_pb2 import PageRequest
from services.runtime.errors import InvalidArgument
from services.runtime.paging import decode_token, encode_token, next_token, read_page


def test_size_defaults_caps_and_refuses_negative():
    assert read_page(PageRequest()).size == 100
    assert read_page(PageRequest(page_size=7)).size == 7
    assert read_page(PageRequest(page_size=5000)).size == 1000
    with pytest.raises(InvalidArgument) as refused:
        read_page(PageRequest(page_size=-5))
    assert refused.value.field == "page.page_size"


def test_a_token_round_trips_and_hides_the_key():
    token = encode_token("T-0042/é")
    assert "T-0042" not in token
    assert decode_token(token) == "T-0042/é"
    assert read_page(PageRequest(page_token=encode_token(17))).after_int() == 17


@pytest.mark.parametrize("garbage", ["12", "T-0001", "%%%", "cTE6", encode_token("x")[:-2] + "!!", "\x00"])
def test_a_token_this_service_did_not_give_is_refused(garbage):
    with pytest.raises(InvalidArgument) as refused:
        read_page(PageRequest(page_token=garbage))
    assert refused.value.field == "page.page_token"


def test_an_integer_keyed_list_refuses_a_text_key():
    with pytest.raises(InvalidArgument):
        read_page(PageRequest(page_token=encode_token("abc"))).after_int()


def test_next_token_only_when_more_rows_were_fetched():
    rows = [{"id": i} for i in range(1, 5)]  # fetched with limit size + 1 = 4: there is more
    page, token = next_token(rows, 3, "id")
    assert [r["id"] for r in page] == [1, 2, 3]
    assert decode_token(token) == "3"
    page, token = next_token(rows[:3], 3, "id")
    assert len(page) == 3 and token == ""

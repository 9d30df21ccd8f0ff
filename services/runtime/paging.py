"""Paging, one behaviour for every list RPC.

A page size of 0 means the default (100); more than 1000 is served as 1000; a negative one is
refused. A page token is opaque to clients: it wraps the key of the last row served, and one
that this service did not give is refused with INVALID_ARGUMENT naming ``page.page_token``.
"""

import base64
import binascii
import re
from dataclasses import dataclass

from services.api.quitus.common.v1 import common_pb2
from services.runtime.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 100
# A key a token may carry: a sequence number (ASCII digits, within a 64-bit integer) or an id of
# printable characters no longer than any id the services store.
_SEQUENCE = re.compile(r"[0-9]{1,18}")
_MAX_KEY_CHARS = 200
MAX_PAGE_SIZE = 1000
_TAG = "q1:"


@dataclass(frozen=True)
class Page:
    """What a list RPC asked for: ``size`` rows after ``after`` (None for the first page)."""

    size: int
    after: str | None

    def after_int(self) -> int:
        """The key as an integer, for tables keyed by a sequence (0 on the first page)."""
        if self.after is None:
            return 0
        if not _SEQUENCE.fullmatch(self.after):
            raise InvalidArgument("page_token is not one this service gave", field="page.page_token")
        return int(self.after)


def read_page(request: common_pb2.PageRequest) -> Page:
    return Page(size=page_size(request.page_size), after=decode_token(request.page_token))


def page_size(requested: int, field: str = "page.page_size") -> int:
    if requested < 0:
        raise InvalidArgument(f"must be >= 0 (0 for the default {DEFAULT_PAGE_SIZE}), got {requested}", field=field)
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def encode_token(last_key: str | int) -> str:
    return base64.urlsafe_b64encode((_TAG + str(last_key)).encode("utf-8")).decode("ascii")


def decode_token(token: str) -> str | None:
    if not token:
        return None
    try:
        text = base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    key = text[len(_TAG) :]
    if not text.startswith(_TAG) or not key or len(key) > _MAX_KEY_CHARS or not key.isprintable():
        raise InvalidArgument("page_token is not one this service gave", field="page.page_token")
    return key


def next_token(rows: list, size: int, key: str) -> tuple[list, str]:
    """Rows fetched with a limit of ``size + 1``: the page to serve and the token for the next one
    ("" when this page is the last). ``key`` names the column rows are ordered by."""
    if len(rows) <= size:
        return rows, ""
    page = rows[:size]
    return page, encode_token(page[-1][key])

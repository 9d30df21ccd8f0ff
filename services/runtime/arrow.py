"""Arrow IPC streams for the exports' Arrow form (quitus.common.v1.ExportForm)."""

import io

import polars as pl


def arrow_ipc(frame: pl.DataFrame) -> bytes:
    """One Arrow IPC stream of ``frame``, in the oldest Arrow layout polars writes (plain utf8
    texts rather than string views), which every Arrow reader takes."""
    out = io.BytesIO()
    frame.write_ipc_stream(out, compat_level=pl.CompatLevel.oldest())
    return out.getvalue()

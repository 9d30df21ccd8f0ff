"""The reporting metrics: pure polars over the frames the data services export (no I/O)."""

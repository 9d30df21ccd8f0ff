"""The pure rules and computations of the consumption service: frames in, frames out (polars and
the standard library only; no database, gRPC or file)."""

"""The interventions service's pure rules: event batches as polars frames, the business checks,
the ticket life cycle, derived facts, deadlines and data quality. No database, no protobuf,
no file I/O: the use cases (service.py) feed them what the store read."""

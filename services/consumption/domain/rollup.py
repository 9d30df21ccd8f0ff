"""Readings of every kind -> consumption per meter and period, explained.

Index meters go through ``registers`` (rollover, replacement, backwards readings, gaps), meters
read by period consumption through ``intervals.period_intervals`` and ``periods.prorate``. The
result has one row per meter and period with ``quantity, estimated_quantity, estimated_share,
coverage``; ``events`` lists the rollovers and replacements applied, ``anomalies`` the backwards
readings.
"""

import polars as pl

from services.consumption.domain.intervals import ANOMALY_SCHEMA, EVENT_SCHEMA, period_intervals
from services.consumption.domain.periods import PERIOD_SCHEMA, prorate
from services.consumption.domain.registers import index_consumption


def consumption_per_period(
    index_readings: pl.DataFrame,
    period_readings: pl.DataFrame,
    bounds: pl.Series,
    meters: pl.DataFrame | None = None,
    replacements: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """-> (per meter and period, events, anomalies). ``bounds`` from ``periods.period_bounds``."""
    parts, events, anomalies = [pl.DataFrame(schema=PERIOD_SCHEMA)], [pl.DataFrame(schema=EVENT_SCHEMA)], []
    anomalies.append(pl.DataFrame(schema=ANOMALY_SCHEMA))
    if index_readings.height:
        per, ev, an = index_consumption(index_readings, bounds, meters, replacements)
        parts.append(per)
        events.append(ev)
        anomalies.append(an)
    if period_readings.height:
        parts.append(prorate(period_intervals(period_readings), bounds))
    return (
        pl.concat(parts).sort("meter_id", "period_start"),
        pl.concat(events),
        pl.concat(anomalies),
    )

"""Print the consumption part of the demo summary (``demo.consumption.load_consumption_demo``'s dict)."""

from rich.console import Console
from rich.table import Table


def _num(value: float | None, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def print_consumption(console: Console, s: dict) -> None:
    meters = ", ".join(f"{n:,} {kind}" for kind, n in sorted(s["meters"].items()))
    console.print(f"\n[bold]Consumption[/bold], {s['first']} to {s['last']}: {meters} meters.")
    console.print(
        f"Readings: {s['readings_sent']:,} sent, {s['readings_accepted']:,} accepted, "
        f"{s['readings_duplicates']:,} identical re-sends ignored, {s['readings_rejected']:,} rejected "
        "(each kept with its reason)."
    )
    injected = s["injected"]
    console.print(
        "Mess injected by the generator: "
        f"{injected['rollover_candidates']} registers close to rolling over, {injected['replacements']} meter "
        f"replacements, {injected['gaps']} runs of missing days, {injected['misreads']} misreads, "
        f"{injected['stuck_registers']} stuck registers, {injected['leaks']} water leaks, "
        f"{s['resent_identical']:,} identical and {s['resent_conflicting']:,} conflicting re-sends, "
        + ", ".join(f"{n} {kind}" for kind, n in s["spoilt"].items())
        + "."
    )
    table = Table("field", "records", "first one (batch #index: reason)", title="Refused readings, by reason")
    for r in s["rejections"]:
        batch, index, reason = r["example"]
        table.add_row(r["field"], f"{r['records']:,}", f"{batch} #{index}: {reason}")
    console.print(table)
    _per_year(console, s)
    _anomalies(console, s)
    _charges(console, s)


def _per_year(console: Console, s: dict) -> None:
    table = Table(
        "carrier (unit)",
        "year",
        "quantity",
        "kWh PCI",
        "estimated",
        "cost EUR",
        title="Consumption per carrier and year",
    )
    for r in s["per_year"]:
        table.add_row(
            f"{r['carrier']} ({r['unit']})",
            str(r["year"]),
            _num(r["quantity"]),
            _num(r["kwh_pci"]),
            f"{r['estimated_share']:.2%}",
            _num(r["cost_eur"]),
        )
    console.print(table)
    console.print(
        "kWh PCI: gas m3 x the month's kWh PCS/m3 coefficient / 1.11 (PCS/PCI, factors/conversions.csv); "
        "heating oil stays in litres (no sourced litre -> kWh PCI conversion is supplied); water has none. "
        "Estimated: the share resting on estimated readings or on a gap split across months."
    )
    table = Table(
        "year", "heating kWh PCI", "weather-normalised", "ratio", title="Collective heating, weather-normalised"
    )
    for r in s["heating"]:
        ratio = r["normalised_kwh"] / r["kwh_pci"] if r["kwh_pci"] else None
        table.add_row(str(r["year"]), _num(r["kwh_pci"]), _num(r["normalised_kwh"]), _num(ratio, 3))
    console.print(table)
    console.print(
        "C_norm = C_base + C_heating x DJU_ref / DJU_actual per meter and month; C_base from the summer (June-August) "
        "before the month's heating season (September-May), a summer month's from its own summer; "
        f"DJU Meteo-France method; DJU_ref: normals {s['normals']}. Weather: {s['weather']}."
    )


def _anomalies(console: Console, s: dict) -> None:
    found = ", ".join(f"{n:,} {kind}" for kind, n in sorted(s["anomalies"].items())) or "none"
    console.print(f"\n[bold]Anomalies found[/bold]: {found}. Examples, with their evidence:")
    for kind in sorted(s["anomaly_examples"]):
        for a in s["anomaly_examples"][kind]:
            console.print(
                f"  {kind}: meter {a['meter_ref']} (building {a['building_id']}), {a['from']} to {a['to']}: "
                f"expected {_num(a['expected'], 2)}, observed {_num(a['observed'], 2)}. {a['detail']}",
                highlight=False,
            )


def _charges(console: Console, s: dict) -> None:
    table = Table(
        "charge category",
        "dwellings",
        "provisions",
        "costs",
        "balance",
        "short",
        title=f"Charge control {s['charges_year']}: provisions against recoverable costs (EUR)",
    )
    for r in s["charges"]:
        balance = r["provisions_eur"] - r["recoverable_cost_eur"]
        table.add_row(
            r["category"],
            f"{r['dwellings']:,}",
            _num(r["provisions_eur"]),
            _num(r["recoverable_cost_eur"]),
            _num(balance),
            f"{r['buildings_short']}/{r['buildings']}",
        )
    console.print(table)
    console.print(
        "Read back through ExportChargeControl: provisions as stored per dwelling and month, costs of each building's "
        "recoverable meters (quantity x price + fixed part); short: buildings whose costs exceed their provisions."
    )

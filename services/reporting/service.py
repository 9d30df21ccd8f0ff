"""Use cases of the reporting service: declare, list and read reference scenarios; generate,
read, list, verify reports and hand out their files."""

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from services.reporting import charge_control
from services.reporting.domain.perimeter import PerimeterLists, perimeter_lists
from services.reporting.domain.periods import ReportPeriod
from services.reporting.domain.runs import (
    InputChange,
    Manifest,
    ManifestInput,
    Perimeter,
    ReportRequest,
    Run,
    changed_inputs,
    check_request,
)
from services.reporting.domain.scenarios import (
    Scenario,
    ScenarioContent,
    check_content,
    check_name,
    next_version,
    reference_trades,
    trades_sorted,
)
from services.reporting.errors import NotBuilt, UnknownReport, UnknownScenario
from services.reporting.gather import Sources
from services.reporting.rendering import BUILDERS, Renderer
from services.reporting.store import ReportingStore
from services.runtime.cutoff import SETTLED
from services.runtime.db import retry_write_conflicts
from services.runtime.errors import InvalidArgument
from services.runtime.paging import Page, encode_token
from services.runtime.principal import Principal

ContentHash = Callable[[ScenarioContent], str]


CHUNK_BYTES = 1024 * 1024
_PAGE = re.compile(rb"/Type\s*/Page[^s]")


def page_count(pdf: bytes) -> int:
    return len(_PAGE.findall(pdf))


class ReportingService:
    def __init__(
        self,
        store: ReportingStore,
        content_sha256: ContentHash,
        clock: Callable[[], datetime] | None = None,
        sources: Callable[[], Sources] | None = None,
        settle: timedelta = SETTLED,
        renderer: Renderer | None = None,
    ) -> None:
        self.store = store
        self.renderer = renderer or Renderer()
        self.settle = settle  # how old an as_of must be (services.runtime.cutoff)
        self.content_sha256 = content_sha256
        self.clock = clock or (lambda: datetime.now(UTC))
        self._sources = sources

    def declare_scenario(
        self, content: ScenarioContent, principal: Principal, trades_as_of: datetime | None = None
    ) -> tuple[Scenario, bool]:
        """(the scenario, created): a new version when the content differs from the latest
        version's, the latest itself when identical. Two declarations racing for a version: the
        loser retries and sees the winner's. With ``trades_as_of``, the trades are taken from the
        reference period as recorded then."""
        if trades_as_of is not None:
            content = self._trades_from_reference(content, trades_as_of)
        content = trades_sorted(check_content(content))
        digest = self.content_sha256(content)

        def attempt() -> tuple[Scenario, bool]:
            latest = self.store.latest_scenario(content.name)
            if latest is not None and latest.content_sha256 == digest:
                return latest, False
            scenario = Scenario(
                content, next_version(latest), self.clock().replace(microsecond=0), _who(principal), digest
            )
            self.store.insert_scenario(scenario)
            return scenario, True

        return retry_write_conflicts(attempt)

    def _trades_from_reference(self, content: ScenarioContent, as_of: datetime) -> ScenarioContent:
        if content.trades:
            raise InvalidArgument("must be empty when the trades are taken from the reference", field="content.trades")
        self._check_as_of(as_of)
        period = ReportPeriod(content.reference_start, content.reference_end)
        facts, _, pulled = self._sources_now().facts(period, as_of, Perimeter(), None)
        trades = reference_trades(facts)
        if not trades:
            raise InvalidArgument(
                f"no curative intervention was resolved in the reference period as recorded at {as_of.isoformat()}: "
                "no visits per intervention to take",
                field="content.reference_period",
            )
        said = (
            f"Visits per intervention of each trade taken from the {pulled.records:,} interventions requested in the "
            f"reference period as recorded at {as_of.isoformat()} (interventions.ExportInterventions sha256 "
            f"{pulled.content_sha256})."
        )
        description = f"{content.description}\n{said}" if content.description else said
        return replace(content, trades=trades, description=description)

    def scenario(self, name: str, version: int) -> Scenario:
        check_name(name)
        if version < 0:
            raise InvalidArgument(f"must be >= 0 (0 for the latest), got {version}", field="version")
        found = self.store.latest_scenario(name) if version == 0 else self.store.scenario(name, version)
        if found is None:
            raise UnknownScenario(f"no scenario {name!r}" + (f" version {version}" if version else ""), field="name")
        return found

    def scenarios(self, name: str, page: Page) -> tuple[list[Scenario], str]:
        if name:
            check_name(name)
        rows = self.store.scenarios(name, page.after_int(), page.size + 1)
        more = len(rows) > page.size
        rows = rows[: page.size]
        return [s for _, s in rows], encode_token(rows[-1][0]) if more else ""

    # ------------------------------------------------------------------ reports

    def _pin(self, request: ReportRequest) -> tuple[ReportRequest, Scenario | None]:
        """The request checked, with what it rests on pinned: the scenario version (CSR), the
        allocation keys, declared and defaults (charge control)."""
        request = check_request(request)
        self._check_as_of(request.as_of)
        if request.kind not in BUILDERS:
            raise NotBuilt(f"{request.kind} reports are not served yet", field="kind")
        if request.kind == "CHARGE_CONTROL":
            return replace(request, allocation_keys=charge_control.allocation_keys(request.allocation_keys)), None
        if not request.scenario:  # optional for a scorecard (check_request)
            return request, None
        scenario = self.scenario(request.scenario, request.scenario_version)
        return replace(request, scenario_version=scenario.version), scenario

    def _compute(self, request: ReportRequest, scenario: Scenario | None, *, fresh: bool = False) -> Any:
        """The report's computation; ``fresh``: over exports pulled anew, not those this process
        keeps for the cut-off (export_cache), so that a verification sees what changed."""
        sources = self._sources_now()
        return BUILDERS[request.kind].compute(sources.uncached() if fresh else sources, request, scenario)

    def _check_as_of(self, as_of: datetime) -> None:
        if as_of > self.clock() - self.settle:
            raise InvalidArgument(
                f"must be at least {self.settle.total_seconds():g} s in the past: a cut-off still open would not "
                "give the same figures twice",
                field="as_of",
            )
        if not 1900 <= as_of.year <= 2200:
            raise InvalidArgument(f"must lie within 1900-2200, got {as_of.isoformat()}", field="as_of")

    def _sources_now(self) -> Sources:
        if self._sources is None:
            raise NotBuilt("this reporting service was started without access to the data services")
        return self._sources()

    def generate(self, request: ReportRequest, principal: Principal) -> tuple[Run, bool]:
        """(the run, created): the stored run when the same pinned request was generated before."""
        request, scenario = self._pin(request)
        run_id = request.run_id()
        stored = self.store.run(run_id, with_files=False)
        if stored is not None:
            return stored, False
        computed = self._compute(request, scenario)
        pdf, pack = self.renderer.files(computed, request, run_id)
        run = Run(
            id=run_id,
            request=request,
            manifest=computed.manifest,
            figures_csv=computed.figures_frame.write_csv(float_precision=6),
            pdf=pdf,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            pdf_size=len(pdf),
            pages=page_count(pdf),
            pack=pack,
            pack_sha256=hashlib.sha256(pack).hexdigest(),
            generated_at=self.clock().replace(microsecond=0),
            generated_by=_who(principal),
        )
        created = self.store.insert_run(run)
        return (run, True) if created else (self.report(run_id), False)

    def perimeters(self, as_of: datetime) -> tuple[PerimeterLists, ManifestInput]:
        """The territories, residences and contractors of the portfolio as of ``as_of`` (what a
        monthly run reports on), and the export they were read from."""
        self._check_as_of(as_of)
        portfolio, pulled = self._sources_now().portfolio(as_of)
        lists = perimeter_lists(
            portfolio.buildings, portfolio.contractors, portfolio.territory_names, portfolio.residence_names
        )
        return lists, pulled

    def compute_metrics(self, request: ReportRequest) -> tuple[str, Manifest]:
        """(figures CSV, manifest) of a request, nothing rendered or stored."""
        request, scenario = self._pin(request)
        computed = self._compute(request, scenario)
        return computed.figures_frame.write_csv(float_precision=6), computed.manifest

    def report(self, run_id: str, *, with_files: bool = False) -> Run:
        _check_id(run_id)
        run = self.store.run(run_id, with_files=with_files)
        if run is None:
            raise UnknownReport(f"no report {run_id!r}", field="id")
        return run

    def reports(self, kind: str, page: Page) -> tuple[list[Run], str]:
        rows = self.store.runs(kind, page.after_int(), page.size + 1)
        more = len(rows) > page.size
        rows = rows[: page.size]
        return [run for _, run in rows], encode_token(rows[-1][0]) if more else ""

    def verify(self, run_id: str, as_of: datetime | None = None) -> tuple[Run, Manifest, list[InputChange], bool]:
        """Re-runs the stored request (pinned factor sets and scenario version) at its own as_of,
        or at ``as_of``: (run, re-run manifest, inputs whose hash changed, same PDF bytes)."""
        if as_of is not None:
            self._check_as_of(as_of)
        run = self.report(run_id)
        request = run.request if as_of is None else replace(run.request, as_of=as_of)
        scenario = self.scenario(request.scenario, request.scenario_version) if request.scenario else None
        computed = self._compute(request, scenario, fresh=True)
        pdf = self.renderer.pdf(computed, request, run.id)
        same_pdf = hashlib.sha256(pdf).hexdigest() == run.pdf_sha256
        return run, computed.manifest, changed_inputs(run.manifest, computed.manifest), same_pdf

    def file_chunks(self, run_id: str, which: str) -> Iterator[tuple[bytes, str, int, str]]:
        """(data, file name, total bytes, sha256) per chunk of the run's PDF or audit pack; name,
        total and hash on the first chunk only."""
        run = self.report(run_id, with_files=True)
        data, name, digest = (
            (run.pdf, f"{run.id}.pdf", run.pdf_sha256)
            if which == "pdf"
            else (run.pack, f"{run.id}-audit.zip", run.pack_sha256)
        )
        for offset in range(0, max(len(data), 1), CHUNK_BYTES):
            first = offset == 0
            yield (
                data[offset : offset + CHUNK_BYTES],
                name if first else "",
                len(data) if first else 0,
                digest if first else "",
            )


def _who(principal: Principal) -> str:
    return f"{principal}" + (f" ({principal.label})" if principal.label else "")


def _check_id(run_id: str) -> None:
    if not run_id or len(run_id) > 100 or not run_id.isprintable():
        raise InvalidArgument(f"must be a report id of 1 to 100 printable characters, got {run_id[:100]!r}", field="id")

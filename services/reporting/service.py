"""Use cases of the reporting service: declare, list and read reference scenarios."""

from collections.abc import Callable
from datetime import UTC, datetime

from services.reporting.domain.scenarios import (
    Scenario,
    ScenarioContent,
    check_content,
    check_name,
    next_version,
    trades_sorted,
)
from services.reporting.errors import UnknownScenario
from services.reporting.store import ReportingStore
from services.runtime.db import retry_write_conflicts
from services.runtime.errors import InvalidArgument
from services.runtime.paging import Page, encode_token
from services.runtime.principal import Principal

ContentHash = Callable[[ScenarioContent], str]


class ReportingService:
    def __init__(
        self, store: ReportingStore, content_sha256: ContentHash, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.store = store
        self.content_sha256 = content_sha256
        self.clock = clock or (lambda: datetime.now(UTC))

    def declare_scenario(self, content: ScenarioContent, principal: Principal) -> tuple[Scenario, bool]:
        """(the scenario, created): a new version when the content differs from the latest
        version's, the latest itself when identical. Two declarations racing for a version: the
        loser retries and sees the winner's."""
        content = trades_sorted(check_content(content))
        digest = self.content_sha256(content)

        def attempt() -> tuple[Scenario, bool]:
            latest = self.store.latest_scenario(content.name)
            if latest is not None and latest.content_sha256 == digest:
                return latest, False
            declared_by = f"{principal}" + (f" ({principal.label})" if principal.label else "")
            scenario = Scenario(content, next_version(latest), self.clock().replace(microsecond=0), declared_by, digest)
            self.store.insert_scenario(scenario)
            return scenario, True

        return retry_write_conflicts(attempt)

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

import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from services.api.quitus.common.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReportKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPORT_KIND_UNSPECIFIED: _ClassVar[ReportKind]
    REPORT_KIND_DECARBONISATION: _ClassVar[ReportKind]
    REPORT_KIND_CHARGE_CONTROL: _ClassVar[ReportKind]
    REPORT_KIND_CONTRACTOR_SCORECARD: _ClassVar[ReportKind]
REPORT_KIND_UNSPECIFIED: ReportKind
REPORT_KIND_DECARBONISATION: ReportKind
REPORT_KIND_CHARGE_CONTROL: ReportKind
REPORT_KIND_CONTRACTOR_SCORECARD: ReportKind

class Perimeter(_message.Message):
    __slots__ = ("territory_ids", "residence_ids", "building_ids", "contractor_ids", "trades")
    TERRITORY_IDS_FIELD_NUMBER: _ClassVar[int]
    RESIDENCE_IDS_FIELD_NUMBER: _ClassVar[int]
    BUILDING_IDS_FIELD_NUMBER: _ClassVar[int]
    CONTRACTOR_IDS_FIELD_NUMBER: _ClassVar[int]
    TRADES_FIELD_NUMBER: _ClassVar[int]
    territory_ids: _containers.RepeatedScalarFieldContainer[str]
    residence_ids: _containers.RepeatedScalarFieldContainer[str]
    building_ids: _containers.RepeatedScalarFieldContainer[str]
    contractor_ids: _containers.RepeatedScalarFieldContainer[str]
    trades: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, territory_ids: _Optional[_Iterable[str]] = ..., residence_ids: _Optional[_Iterable[str]] = ..., building_ids: _Optional[_Iterable[str]] = ..., contractor_ids: _Optional[_Iterable[str]] = ..., trades: _Optional[_Iterable[str]] = ...) -> None: ...

class GenerateReportRequest(_message.Message):
    __slots__ = ("kind", "period", "perimeter", "as_of", "factor_set", "vehicle_factor_set", "scenario", "scenario_version", "lang", "allocation_keys")
    KIND_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PERIMETER_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    FACTOR_SET_FIELD_NUMBER: _ClassVar[int]
    VEHICLE_FACTOR_SET_FIELD_NUMBER: _ClassVar[int]
    SCENARIO_FIELD_NUMBER: _ClassVar[int]
    SCENARIO_VERSION_FIELD_NUMBER: _ClassVar[int]
    LANG_FIELD_NUMBER: _ClassVar[int]
    ALLOCATION_KEYS_FIELD_NUMBER: _ClassVar[int]
    kind: ReportKind
    period: _common_pb2.Period
    perimeter: Perimeter
    as_of: _timestamp_pb2.Timestamp
    factor_set: str
    vehicle_factor_set: str
    scenario: str
    scenario_version: int
    lang: str
    allocation_keys: _containers.RepeatedCompositeFieldContainer[AllocationKey]
    def __init__(self, kind: _Optional[_Union[ReportKind, str]] = ..., period: _Optional[_Union[_common_pb2.Period, _Mapping]] = ..., perimeter: _Optional[_Union[Perimeter, _Mapping]] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., factor_set: _Optional[str] = ..., vehicle_factor_set: _Optional[str] = ..., scenario: _Optional[str] = ..., scenario_version: _Optional[int] = ..., lang: _Optional[str] = ..., allocation_keys: _Optional[_Iterable[_Union[AllocationKey, _Mapping]]] = ...) -> None: ...

class AllocationKey(_message.Message):
    __slots__ = ("charge_category", "basis", "remainder_basis")
    CHARGE_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    BASIS_FIELD_NUMBER: _ClassVar[int]
    REMAINDER_BASIS_FIELD_NUMBER: _ClassVar[int]
    charge_category: str
    basis: str
    remainder_basis: str
    def __init__(self, charge_category: _Optional[str] = ..., basis: _Optional[str] = ..., remainder_basis: _Optional[str] = ...) -> None: ...

class ManifestInput(_message.Message):
    __slots__ = ("source", "request_json", "records", "content_sha256")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_JSON_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    CONTENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    source: str
    request_json: str
    records: int
    content_sha256: str
    def __init__(self, source: _Optional[str] = ..., request_json: _Optional[str] = ..., records: _Optional[int] = ..., content_sha256: _Optional[str] = ...) -> None: ...

class Manifest(_message.Message):
    __slots__ = ("inputs", "factor_set", "factor_set_sha256", "method_version", "as_of", "figures_sha256")
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    FACTOR_SET_FIELD_NUMBER: _ClassVar[int]
    FACTOR_SET_SHA256_FIELD_NUMBER: _ClassVar[int]
    METHOD_VERSION_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    FIGURES_SHA256_FIELD_NUMBER: _ClassVar[int]
    inputs: _containers.RepeatedCompositeFieldContainer[ManifestInput]
    factor_set: str
    factor_set_sha256: str
    method_version: str
    as_of: _timestamp_pb2.Timestamp
    figures_sha256: str
    def __init__(self, inputs: _Optional[_Iterable[_Union[ManifestInput, _Mapping]]] = ..., factor_set: _Optional[str] = ..., factor_set_sha256: _Optional[str] = ..., method_version: _Optional[str] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., figures_sha256: _Optional[str] = ...) -> None: ...

class Figure(_message.Message):
    __slots__ = ("key", "unit", "value", "previous", "reference")
    KEY_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    key: str
    unit: str
    value: float
    previous: float
    reference: float
    def __init__(self, key: _Optional[str] = ..., unit: _Optional[str] = ..., value: _Optional[float] = ..., previous: _Optional[float] = ..., reference: _Optional[float] = ...) -> None: ...

class ReportRun(_message.Message):
    __slots__ = ("id", "request", "manifest", "pdf_sha256", "generated_at", "figures", "pages", "pdf_bytes", "generated_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    MANIFEST_FIELD_NUMBER: _ClassVar[int]
    PDF_SHA256_FIELD_NUMBER: _ClassVar[int]
    GENERATED_AT_FIELD_NUMBER: _ClassVar[int]
    FIGURES_FIELD_NUMBER: _ClassVar[int]
    PAGES_FIELD_NUMBER: _ClassVar[int]
    PDF_BYTES_FIELD_NUMBER: _ClassVar[int]
    GENERATED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    request: GenerateReportRequest
    manifest: Manifest
    pdf_sha256: str
    generated_at: _timestamp_pb2.Timestamp
    figures: _containers.RepeatedCompositeFieldContainer[Figure]
    pages: int
    pdf_bytes: int
    generated_by: str
    def __init__(self, id: _Optional[str] = ..., request: _Optional[_Union[GenerateReportRequest, _Mapping]] = ..., manifest: _Optional[_Union[Manifest, _Mapping]] = ..., pdf_sha256: _Optional[str] = ..., generated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., figures: _Optional[_Iterable[_Union[Figure, _Mapping]]] = ..., pages: _Optional[int] = ..., pdf_bytes: _Optional[int] = ..., generated_by: _Optional[str] = ...) -> None: ...

class GenerateReportResponse(_message.Message):
    __slots__ = ("run", "created")
    RUN_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    run: ReportRun
    created: bool
    def __init__(self, run: _Optional[_Union[ReportRun, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class GetReportRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetReportResponse(_message.Message):
    __slots__ = ("run",)
    RUN_FIELD_NUMBER: _ClassVar[int]
    run: ReportRun
    def __init__(self, run: _Optional[_Union[ReportRun, _Mapping]] = ...) -> None: ...

class VerifyReportRequest(_message.Message):
    __slots__ = ("id", "as_of")
    ID_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    id: str
    as_of: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ChangedInput(_message.Message):
    __slots__ = ("source", "original_sha256", "rerun_sha256", "original_records", "rerun_records")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_SHA256_FIELD_NUMBER: _ClassVar[int]
    RERUN_SHA256_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_RECORDS_FIELD_NUMBER: _ClassVar[int]
    RERUN_RECORDS_FIELD_NUMBER: _ClassVar[int]
    source: str
    original_sha256: str
    rerun_sha256: str
    original_records: int
    rerun_records: int
    def __init__(self, source: _Optional[str] = ..., original_sha256: _Optional[str] = ..., rerun_sha256: _Optional[str] = ..., original_records: _Optional[int] = ..., rerun_records: _Optional[int] = ...) -> None: ...

class VerifyReportResponse(_message.Message):
    __slots__ = ("same_figures", "original", "rerun", "changed_inputs", "same_pdf")
    SAME_FIGURES_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_FIELD_NUMBER: _ClassVar[int]
    RERUN_FIELD_NUMBER: _ClassVar[int]
    CHANGED_INPUTS_FIELD_NUMBER: _ClassVar[int]
    SAME_PDF_FIELD_NUMBER: _ClassVar[int]
    same_figures: bool
    original: Manifest
    rerun: Manifest
    changed_inputs: _containers.RepeatedCompositeFieldContainer[ChangedInput]
    same_pdf: bool
    def __init__(self, same_figures: _Optional[bool] = ..., original: _Optional[_Union[Manifest, _Mapping]] = ..., rerun: _Optional[_Union[Manifest, _Mapping]] = ..., changed_inputs: _Optional[_Iterable[_Union[ChangedInput, _Mapping]]] = ..., same_pdf: _Optional[bool] = ...) -> None: ...

class ListReportsRequest(_message.Message):
    __slots__ = ("kind", "page")
    KIND_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    kind: ReportKind
    page: _common_pb2.PageRequest
    def __init__(self, kind: _Optional[_Union[ReportKind, str]] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListReportsResponse(_message.Message):
    __slots__ = ("runs", "next_page_token")
    RUNS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    runs: _containers.RepeatedCompositeFieldContainer[ReportRun]
    next_page_token: str
    def __init__(self, runs: _Optional[_Iterable[_Union[ReportRun, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DownloadReportRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ExportAuditPackRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class FileChunk(_message.Message):
    __slots__ = ("data", "file_name", "total_bytes", "sha256")
    DATA_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    TOTAL_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    file_name: str
    total_bytes: int
    sha256: str
    def __init__(self, data: _Optional[bytes] = ..., file_name: _Optional[str] = ..., total_bytes: _Optional[int] = ..., sha256: _Optional[str] = ...) -> None: ...

class DownloadReportResponse(_message.Message):
    __slots__ = ("chunk",)
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    chunk: FileChunk
    def __init__(self, chunk: _Optional[_Union[FileChunk, _Mapping]] = ...) -> None: ...

class ExportAuditPackResponse(_message.Message):
    __slots__ = ("chunk",)
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    chunk: FileChunk
    def __init__(self, chunk: _Optional[_Union[FileChunk, _Mapping]] = ...) -> None: ...

class ComputeMetricsRequest(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: GenerateReportRequest
    def __init__(self, request: _Optional[_Union[GenerateReportRequest, _Mapping]] = ...) -> None: ...

class ComputeMetricsResponse(_message.Message):
    __slots__ = ("figures", "manifest")
    FIGURES_FIELD_NUMBER: _ClassVar[int]
    MANIFEST_FIELD_NUMBER: _ClassVar[int]
    figures: _containers.RepeatedCompositeFieldContainer[Figure]
    manifest: Manifest
    def __init__(self, figures: _Optional[_Iterable[_Union[Figure, _Mapping]]] = ..., manifest: _Optional[_Union[Manifest, _Mapping]] = ...) -> None: ...

class TradeReference(_message.Message):
    __slots__ = ("trade", "visits_per_intervention")
    TRADE_FIELD_NUMBER: _ClassVar[int]
    VISITS_PER_INTERVENTION_FIELD_NUMBER: _ClassVar[int]
    trade: str
    visits_per_intervention: float
    def __init__(self, trade: _Optional[str] = ..., visits_per_intervention: _Optional[float] = ...) -> None: ...

class ScenarioContent(_message.Message):
    __slots__ = ("name", "description", "reference_period", "trades", "road_factor", "vehicle_profile", "vehicle_factor_key", "fuel_litres_per_100km", "uncertainty_pct")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_PERIOD_FIELD_NUMBER: _ClassVar[int]
    TRADES_FIELD_NUMBER: _ClassVar[int]
    ROAD_FACTOR_FIELD_NUMBER: _ClassVar[int]
    VEHICLE_PROFILE_FIELD_NUMBER: _ClassVar[int]
    VEHICLE_FACTOR_KEY_FIELD_NUMBER: _ClassVar[int]
    FUEL_LITRES_PER_100KM_FIELD_NUMBER: _ClassVar[int]
    UNCERTAINTY_PCT_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    reference_period: _common_pb2.Period
    trades: _containers.RepeatedCompositeFieldContainer[TradeReference]
    road_factor: float
    vehicle_profile: str
    vehicle_factor_key: str
    fuel_litres_per_100km: float
    uncertainty_pct: float
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., reference_period: _Optional[_Union[_common_pb2.Period, _Mapping]] = ..., trades: _Optional[_Iterable[_Union[TradeReference, _Mapping]]] = ..., road_factor: _Optional[float] = ..., vehicle_profile: _Optional[str] = ..., vehicle_factor_key: _Optional[str] = ..., fuel_litres_per_100km: _Optional[float] = ..., uncertainty_pct: _Optional[float] = ...) -> None: ...

class Scenario(_message.Message):
    __slots__ = ("content", "version", "declared_at", "declared_by", "content_sha256")
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DECLARED_AT_FIELD_NUMBER: _ClassVar[int]
    DECLARED_BY_FIELD_NUMBER: _ClassVar[int]
    CONTENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    content: ScenarioContent
    version: int
    declared_at: _timestamp_pb2.Timestamp
    declared_by: str
    content_sha256: str
    def __init__(self, content: _Optional[_Union[ScenarioContent, _Mapping]] = ..., version: _Optional[int] = ..., declared_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., declared_by: _Optional[str] = ..., content_sha256: _Optional[str] = ...) -> None: ...

class DeclareScenarioRequest(_message.Message):
    __slots__ = ("content", "trades_from_reference", "as_of")
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    TRADES_FROM_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    content: ScenarioContent
    trades_from_reference: bool
    as_of: _timestamp_pb2.Timestamp
    def __init__(self, content: _Optional[_Union[ScenarioContent, _Mapping]] = ..., trades_from_reference: _Optional[bool] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DeclareScenarioResponse(_message.Message):
    __slots__ = ("scenario", "created")
    SCENARIO_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    scenario: Scenario
    created: bool
    def __init__(self, scenario: _Optional[_Union[Scenario, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class ListScenariosRequest(_message.Message):
    __slots__ = ("name", "page")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    name: str
    page: _common_pb2.PageRequest
    def __init__(self, name: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListScenariosResponse(_message.Message):
    __slots__ = ("scenarios", "next_page_token")
    SCENARIOS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    scenarios: _containers.RepeatedCompositeFieldContainer[Scenario]
    next_page_token: str
    def __init__(self, scenarios: _Optional[_Iterable[_Union[Scenario, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetScenarioRequest(_message.Message):
    __slots__ = ("name", "version")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: int
    def __init__(self, name: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class GetScenarioResponse(_message.Message):
    __slots__ = ("scenario",)
    SCENARIO_FIELD_NUMBER: _ClassVar[int]
    scenario: Scenario
    def __init__(self, scenario: _Optional[_Union[Scenario, _Mapping]] = ...) -> None: ...

class ListPerimetersRequest(_message.Message):
    __slots__ = ("as_of",)
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    as_of: _timestamp_pb2.Timestamp
    def __init__(self, as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TerritoryEntry(_message.Message):
    __slots__ = ("id", "name")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class ResidenceEntry(_message.Message):
    __slots__ = ("id", "name", "territory_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TERRITORY_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    territory_id: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., territory_id: _Optional[str] = ...) -> None: ...

class ContractorEntry(_message.Message):
    __slots__ = ("id", "name")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class ListPerimetersResponse(_message.Message):
    __slots__ = ("territories", "residences", "contractors", "portfolio")
    TERRITORIES_FIELD_NUMBER: _ClassVar[int]
    RESIDENCES_FIELD_NUMBER: _ClassVar[int]
    CONTRACTORS_FIELD_NUMBER: _ClassVar[int]
    PORTFOLIO_FIELD_NUMBER: _ClassVar[int]
    territories: _containers.RepeatedCompositeFieldContainer[TerritoryEntry]
    residences: _containers.RepeatedCompositeFieldContainer[ResidenceEntry]
    contractors: _containers.RepeatedCompositeFieldContainer[ContractorEntry]
    portfolio: ManifestInput
    def __init__(self, territories: _Optional[_Iterable[_Union[TerritoryEntry, _Mapping]]] = ..., residences: _Optional[_Iterable[_Union[ResidenceEntry, _Mapping]]] = ..., contractors: _Optional[_Iterable[_Union[ContractorEntry, _Mapping]]] = ..., portfolio: _Optional[_Union[ManifestInput, _Mapping]] = ...) -> None: ...

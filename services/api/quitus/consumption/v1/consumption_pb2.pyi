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

class Granularity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GRANULARITY_UNSPECIFIED: _ClassVar[Granularity]
    GRANULARITY_DAY: _ClassVar[Granularity]
    GRANULARITY_MONTH: _ClassVar[Granularity]
    GRANULARITY_YEAR: _ClassVar[Granularity]
GRANULARITY_UNSPECIFIED: Granularity
GRANULARITY_DAY: Granularity
GRANULARITY_MONTH: Granularity
GRANULARITY_YEAR: Granularity

class Meter(_message.Message):
    __slots__ = ("meter_ref", "building_id", "unit_id", "carrier", "unit", "usage", "recoverable", "charge_category", "register_digits", "reading_kind", "weather_station", "contract_ref")
    METER_REF_FIELD_NUMBER: _ClassVar[int]
    BUILDING_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    CARRIER_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    RECOVERABLE_FIELD_NUMBER: _ClassVar[int]
    CHARGE_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    REGISTER_DIGITS_FIELD_NUMBER: _ClassVar[int]
    READING_KIND_FIELD_NUMBER: _ClassVar[int]
    WEATHER_STATION_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_REF_FIELD_NUMBER: _ClassVar[int]
    meter_ref: str
    building_id: str
    unit_id: str
    carrier: str
    unit: str
    usage: str
    recoverable: bool
    charge_category: str
    register_digits: int
    reading_kind: str
    weather_station: str
    contract_ref: str
    def __init__(self, meter_ref: _Optional[str] = ..., building_id: _Optional[str] = ..., unit_id: _Optional[str] = ..., carrier: _Optional[str] = ..., unit: _Optional[str] = ..., usage: _Optional[str] = ..., recoverable: _Optional[bool] = ..., charge_category: _Optional[str] = ..., register_digits: _Optional[int] = ..., reading_kind: _Optional[str] = ..., weather_station: _Optional[str] = ..., contract_ref: _Optional[str] = ...) -> None: ...

class Replacement(_message.Message):
    __slots__ = ("meter_ref", "replaced_at", "old_last_index", "new_first_index")
    METER_REF_FIELD_NUMBER: _ClassVar[int]
    REPLACED_AT_FIELD_NUMBER: _ClassVar[int]
    OLD_LAST_INDEX_FIELD_NUMBER: _ClassVar[int]
    NEW_FIRST_INDEX_FIELD_NUMBER: _ClassVar[int]
    meter_ref: str
    replaced_at: _timestamp_pb2.Timestamp
    old_last_index: float
    new_first_index: float
    def __init__(self, meter_ref: _Optional[str] = ..., replaced_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., old_last_index: _Optional[float] = ..., new_first_index: _Optional[float] = ...) -> None: ...

class GasCoefficient(_message.Message):
    __slots__ = ("meter_ref", "valid_from", "kwh_pcs_per_m3", "source")
    METER_REF_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    KWH_PCS_PER_M3_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    meter_ref: str
    valid_from: _timestamp_pb2.Timestamp
    kwh_pcs_per_m3: float
    source: str
    def __init__(self, meter_ref: _Optional[str] = ..., valid_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., kwh_pcs_per_m3: _Optional[float] = ..., source: _Optional[str] = ...) -> None: ...

class ImportMetersRequest(_message.Message):
    __slots__ = ("meters", "replacements", "gas_coefficients")
    METERS_FIELD_NUMBER: _ClassVar[int]
    REPLACEMENTS_FIELD_NUMBER: _ClassVar[int]
    GAS_COEFFICIENTS_FIELD_NUMBER: _ClassVar[int]
    meters: _containers.RepeatedCompositeFieldContainer[Meter]
    replacements: _containers.RepeatedCompositeFieldContainer[Replacement]
    gas_coefficients: _containers.RepeatedCompositeFieldContainer[GasCoefficient]
    def __init__(self, meters: _Optional[_Iterable[_Union[Meter, _Mapping]]] = ..., replacements: _Optional[_Iterable[_Union[Replacement, _Mapping]]] = ..., gas_coefficients: _Optional[_Iterable[_Union[GasCoefficient, _Mapping]]] = ...) -> None: ...

class ImportMetersResponse(_message.Message):
    __slots__ = ("summary",)
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    summary: _common_pb2.ImportSummary
    def __init__(self, summary: _Optional[_Union[_common_pb2.ImportSummary, _Mapping]] = ...) -> None: ...

class IngestReadingsRequest(_message.Message):
    __slots__ = ("batch_id", "meter_ref", "kind", "read_at_us", "period_start_us", "value", "unit", "estimated")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    METER_REF_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    READ_AT_US_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_US_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    meter_ref: _containers.RepeatedScalarFieldContainer[str]
    kind: _containers.RepeatedScalarFieldContainer[str]
    read_at_us: _containers.RepeatedScalarFieldContainer[int]
    period_start_us: _containers.RepeatedScalarFieldContainer[int]
    value: _containers.RepeatedScalarFieldContainer[float]
    unit: _containers.RepeatedScalarFieldContainer[str]
    estimated: _containers.RepeatedScalarFieldContainer[bool]
    def __init__(self, batch_id: _Optional[str] = ..., meter_ref: _Optional[_Iterable[str]] = ..., kind: _Optional[_Iterable[str]] = ..., read_at_us: _Optional[_Iterable[int]] = ..., period_start_us: _Optional[_Iterable[int]] = ..., value: _Optional[_Iterable[float]] = ..., unit: _Optional[_Iterable[str]] = ..., estimated: _Optional[_Iterable[bool]] = ...) -> None: ...

class IngestReadingsResponse(_message.Message):
    __slots__ = ("batch_id", "received", "accepted", "duplicates", "rejected", "warnings", "rejected_total", "warnings_total", "refused_whole", "refused_field", "refused_reason")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    REJECTED_TOTAL_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    REFUSED_WHOLE_FIELD_NUMBER: _ClassVar[int]
    REFUSED_FIELD_FIELD_NUMBER: _ClassVar[int]
    REFUSED_REASON_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    received: int
    accepted: int
    duplicates: int
    rejected: _containers.RepeatedCompositeFieldContainer[_common_pb2.RecordIssue]
    warnings: _containers.RepeatedCompositeFieldContainer[_common_pb2.RecordIssue]
    rejected_total: int
    warnings_total: int
    refused_whole: bool
    refused_field: str
    refused_reason: str
    def __init__(self, batch_id: _Optional[str] = ..., received: _Optional[int] = ..., accepted: _Optional[int] = ..., duplicates: _Optional[int] = ..., rejected: _Optional[_Iterable[_Union[_common_pb2.RecordIssue, _Mapping]]] = ..., warnings: _Optional[_Iterable[_Union[_common_pb2.RecordIssue, _Mapping]]] = ..., rejected_total: _Optional[int] = ..., warnings_total: _Optional[int] = ..., refused_whole: _Optional[bool] = ..., refused_field: _Optional[str] = ..., refused_reason: _Optional[str] = ...) -> None: ...

class DailyTemperature(_message.Message):
    __slots__ = ("station", "day", "tn", "tx")
    STATION_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    TN_FIELD_NUMBER: _ClassVar[int]
    TX_FIELD_NUMBER: _ClassVar[int]
    station: str
    day: str
    tn: float
    tx: float
    def __init__(self, station: _Optional[str] = ..., day: _Optional[str] = ..., tn: _Optional[float] = ..., tx: _Optional[float] = ...) -> None: ...

class DailyDju(_message.Message):
    __slots__ = ("station", "day", "dju")
    STATION_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    DJU_FIELD_NUMBER: _ClassVar[int]
    station: str
    day: str
    dju: float
    def __init__(self, station: _Optional[str] = ..., day: _Optional[str] = ..., dju: _Optional[float] = ...) -> None: ...

class DjuNormal(_message.Message):
    __slots__ = ("station", "month_of_year", "dju_ref", "ref_period")
    STATION_FIELD_NUMBER: _ClassVar[int]
    MONTH_OF_YEAR_FIELD_NUMBER: _ClassVar[int]
    DJU_REF_FIELD_NUMBER: _ClassVar[int]
    REF_PERIOD_FIELD_NUMBER: _ClassVar[int]
    station: str
    month_of_year: int
    dju_ref: float
    ref_period: str
    def __init__(self, station: _Optional[str] = ..., month_of_year: _Optional[int] = ..., dju_ref: _Optional[float] = ..., ref_period: _Optional[str] = ...) -> None: ...

class ImportDegreeDaysRequest(_message.Message):
    __slots__ = ("source", "temperatures", "dju", "normals")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURES_FIELD_NUMBER: _ClassVar[int]
    DJU_FIELD_NUMBER: _ClassVar[int]
    NORMALS_FIELD_NUMBER: _ClassVar[int]
    source: str
    temperatures: _containers.RepeatedCompositeFieldContainer[DailyTemperature]
    dju: _containers.RepeatedCompositeFieldContainer[DailyDju]
    normals: _containers.RepeatedCompositeFieldContainer[DjuNormal]
    def __init__(self, source: _Optional[str] = ..., temperatures: _Optional[_Iterable[_Union[DailyTemperature, _Mapping]]] = ..., dju: _Optional[_Iterable[_Union[DailyDju, _Mapping]]] = ..., normals: _Optional[_Iterable[_Union[DjuNormal, _Mapping]]] = ...) -> None: ...

class ImportDegreeDaysResponse(_message.Message):
    __slots__ = ("summary",)
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    summary: _common_pb2.ImportSummary
    def __init__(self, summary: _Optional[_Union[_common_pb2.ImportSummary, _Mapping]] = ...) -> None: ...

class Price(_message.Message):
    __slots__ = ("meter_ref", "contract_ref", "valid_from", "basis", "eur_per_unit", "fixed_eur_per_month", "source")
    METER_REF_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_REF_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    BASIS_FIELD_NUMBER: _ClassVar[int]
    EUR_PER_UNIT_FIELD_NUMBER: _ClassVar[int]
    FIXED_EUR_PER_MONTH_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    meter_ref: str
    contract_ref: str
    valid_from: _timestamp_pb2.Timestamp
    basis: str
    eur_per_unit: float
    fixed_eur_per_month: float
    source: str
    def __init__(self, meter_ref: _Optional[str] = ..., contract_ref: _Optional[str] = ..., valid_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., basis: _Optional[str] = ..., eur_per_unit: _Optional[float] = ..., fixed_eur_per_month: _Optional[float] = ..., source: _Optional[str] = ...) -> None: ...

class Provision(_message.Message):
    __slots__ = ("unit_id", "month", "charge_category", "amount_eur", "building_id")
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    CHARGE_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_EUR_FIELD_NUMBER: _ClassVar[int]
    BUILDING_ID_FIELD_NUMBER: _ClassVar[int]
    unit_id: str
    month: str
    charge_category: str
    amount_eur: float
    building_id: str
    def __init__(self, unit_id: _Optional[str] = ..., month: _Optional[str] = ..., charge_category: _Optional[str] = ..., amount_eur: _Optional[float] = ..., building_id: _Optional[str] = ...) -> None: ...

class ImportPricesRequest(_message.Message):
    __slots__ = ("prices", "provisions")
    PRICES_FIELD_NUMBER: _ClassVar[int]
    PROVISIONS_FIELD_NUMBER: _ClassVar[int]
    prices: _containers.RepeatedCompositeFieldContainer[Price]
    provisions: _containers.RepeatedCompositeFieldContainer[Provision]
    def __init__(self, prices: _Optional[_Iterable[_Union[Price, _Mapping]]] = ..., provisions: _Optional[_Iterable[_Union[Provision, _Mapping]]] = ...) -> None: ...

class ImportPricesResponse(_message.Message):
    __slots__ = ("summary",)
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    summary: _common_pb2.ImportSummary
    def __init__(self, summary: _Optional[_Union[_common_pb2.ImportSummary, _Mapping]] = ...) -> None: ...

class Perimeter(_message.Message):
    __slots__ = ("building_ids", "meter_refs", "carriers")
    BUILDING_IDS_FIELD_NUMBER: _ClassVar[int]
    METER_REFS_FIELD_NUMBER: _ClassVar[int]
    CARRIERS_FIELD_NUMBER: _ClassVar[int]
    building_ids: _containers.RepeatedScalarFieldContainer[str]
    meter_refs: _containers.RepeatedScalarFieldContainer[str]
    carriers: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, building_ids: _Optional[_Iterable[str]] = ..., meter_refs: _Optional[_Iterable[str]] = ..., carriers: _Optional[_Iterable[str]] = ...) -> None: ...

class GetConsumptionRequest(_message.Message):
    __slots__ = ("period", "granularity", "perimeter", "as_of", "figures_page_size", "figures_page_token")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    GRANULARITY_FIELD_NUMBER: _ClassVar[int]
    PERIMETER_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    FIGURES_PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    FIGURES_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    period: _common_pb2.Period
    granularity: Granularity
    perimeter: Perimeter
    as_of: _timestamp_pb2.Timestamp
    figures_page_size: int
    figures_page_token: str
    def __init__(self, period: _Optional[_Union[_common_pb2.Period, _Mapping]] = ..., granularity: _Optional[_Union[Granularity, str]] = ..., perimeter: _Optional[_Union[Perimeter, _Mapping]] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., figures_page_size: _Optional[int] = ..., figures_page_token: _Optional[str] = ...) -> None: ...

class PeriodFigure(_message.Message):
    __slots__ = ("meter_ref", "period_start", "period_end", "quantity", "unit", "kwh_pci", "estimated_share", "coverage", "carrier", "conversion")
    METER_REF_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    KWH_PCI_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_SHARE_FIELD_NUMBER: _ClassVar[int]
    COVERAGE_FIELD_NUMBER: _ClassVar[int]
    CARRIER_FIELD_NUMBER: _ClassVar[int]
    CONVERSION_FIELD_NUMBER: _ClassVar[int]
    meter_ref: str
    period_start: _timestamp_pb2.Timestamp
    period_end: _timestamp_pb2.Timestamp
    quantity: float
    unit: str
    kwh_pci: float
    estimated_share: float
    coverage: float
    carrier: str
    conversion: str
    def __init__(self, meter_ref: _Optional[str] = ..., period_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., period_end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., quantity: _Optional[float] = ..., unit: _Optional[str] = ..., kwh_pci: _Optional[float] = ..., estimated_share: _Optional[float] = ..., coverage: _Optional[float] = ..., carrier: _Optional[str] = ..., conversion: _Optional[str] = ...) -> None: ...

class CarrierTotal(_message.Message):
    __slots__ = ("carrier", "unit", "quantity", "kwh_pci", "estimated_share", "energy", "figures_without_kwh")
    CARRIER_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    KWH_PCI_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_SHARE_FIELD_NUMBER: _ClassVar[int]
    ENERGY_FIELD_NUMBER: _ClassVar[int]
    FIGURES_WITHOUT_KWH_FIELD_NUMBER: _ClassVar[int]
    carrier: str
    unit: str
    quantity: float
    kwh_pci: float
    estimated_share: float
    energy: bool
    figures_without_kwh: int
    def __init__(self, carrier: _Optional[str] = ..., unit: _Optional[str] = ..., quantity: _Optional[float] = ..., kwh_pci: _Optional[float] = ..., estimated_share: _Optional[float] = ..., energy: _Optional[bool] = ..., figures_without_kwh: _Optional[int] = ...) -> None: ...

class GetConsumptionResponse(_message.Message):
    __slots__ = ("figures", "totals", "next_page_token")
    FIGURES_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    figures: _containers.RepeatedCompositeFieldContainer[PeriodFigure]
    totals: _containers.RepeatedCompositeFieldContainer[CarrierTotal]
    next_page_token: str
    def __init__(self, figures: _Optional[_Iterable[_Union[PeriodFigure, _Mapping]]] = ..., totals: _Optional[_Iterable[_Union[CarrierTotal, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DetectAnomaliesRequest(_message.Message):
    __slots__ = ("period",)
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    period: _common_pb2.Period
    def __init__(self, period: _Optional[_Union[_common_pb2.Period, _Mapping]] = ...) -> None: ...

class DetectAnomaliesResponse(_message.Message):
    __slots__ = ("found",)
    class FoundEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    FOUND_FIELD_NUMBER: _ClassVar[int]
    found: _containers.ScalarMap[str, int]
    def __init__(self, found: _Optional[_Mapping[str, int]] = ...) -> None: ...

class Anomaly(_message.Message):
    __slots__ = ("meter_ref", "kind", "window_start", "window_end", "expected", "observed", "detail", "detected_at", "building_id")
    METER_REF_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    WINDOW_START_FIELD_NUMBER: _ClassVar[int]
    WINDOW_END_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_FIELD_NUMBER: _ClassVar[int]
    OBSERVED_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    DETECTED_AT_FIELD_NUMBER: _ClassVar[int]
    BUILDING_ID_FIELD_NUMBER: _ClassVar[int]
    meter_ref: str
    kind: str
    window_start: _timestamp_pb2.Timestamp
    window_end: _timestamp_pb2.Timestamp
    expected: float
    observed: float
    detail: str
    detected_at: _timestamp_pb2.Timestamp
    building_id: str
    def __init__(self, meter_ref: _Optional[str] = ..., kind: _Optional[str] = ..., window_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., window_end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expected: _Optional[float] = ..., observed: _Optional[float] = ..., detail: _Optional[str] = ..., detected_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., building_id: _Optional[str] = ...) -> None: ...

class ListAnomaliesRequest(_message.Message):
    __slots__ = ("kind", "building_id", "page")
    KIND_FIELD_NUMBER: _ClassVar[int]
    BUILDING_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    kind: str
    building_id: str
    page: _common_pb2.PageRequest
    def __init__(self, kind: _Optional[str] = ..., building_id: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListAnomaliesResponse(_message.Message):
    __slots__ = ("anomalies", "next_page_token")
    ANOMALIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    anomalies: _containers.RepeatedCompositeFieldContainer[Anomaly]
    next_page_token: str
    def __init__(self, anomalies: _Optional[_Iterable[_Union[Anomaly, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListRejectionsRequest(_message.Message):
    __slots__ = ("page",)
    PAGE_FIELD_NUMBER: _ClassVar[int]
    page: _common_pb2.PageRequest
    def __init__(self, page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class Rejection(_message.Message):
    __slots__ = ("id", "batch_id", "index", "field", "reason", "payload_json", "received_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    batch_id: str
    index: int
    field: str
    reason: str
    payload_json: str
    received_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., batch_id: _Optional[str] = ..., index: _Optional[int] = ..., field: _Optional[str] = ..., reason: _Optional[str] = ..., payload_json: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListRejectionsResponse(_message.Message):
    __slots__ = ("rejections", "next_page_token")
    REJECTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    rejections: _containers.RepeatedCompositeFieldContainer[Rejection]
    next_page_token: str
    def __init__(self, rejections: _Optional[_Iterable[_Union[Rejection, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ExportMonthlyRequest(_message.Message):
    __slots__ = ("period", "as_of", "batch_size", "form")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    FORM_FIELD_NUMBER: _ClassVar[int]
    period: _common_pb2.Period
    as_of: _timestamp_pb2.Timestamp
    batch_size: int
    form: _common_pb2.ExportForm
    def __init__(self, period: _Optional[_Union[_common_pb2.Period, _Mapping]] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., batch_size: _Optional[int] = ..., form: _Optional[_Union[_common_pb2.ExportForm, str]] = ...) -> None: ...

class MonthlyFigure(_message.Message):
    __slots__ = ("meter_ref", "building_id", "unit_id", "carrier", "usage", "charge_category", "recoverable", "month_start", "quantity", "unit", "kwh_pcs", "kwh_pci", "estimated_share", "coverage", "heating_normalised_kwh", "cost_eur", "conversion", "normalisation")
    METER_REF_FIELD_NUMBER: _ClassVar[int]
    BUILDING_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    CARRIER_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    CHARGE_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    RECOVERABLE_FIELD_NUMBER: _ClassVar[int]
    MONTH_START_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    KWH_PCS_FIELD_NUMBER: _ClassVar[int]
    KWH_PCI_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_SHARE_FIELD_NUMBER: _ClassVar[int]
    COVERAGE_FIELD_NUMBER: _ClassVar[int]
    HEATING_NORMALISED_KWH_FIELD_NUMBER: _ClassVar[int]
    COST_EUR_FIELD_NUMBER: _ClassVar[int]
    CONVERSION_FIELD_NUMBER: _ClassVar[int]
    NORMALISATION_FIELD_NUMBER: _ClassVar[int]
    meter_ref: str
    building_id: str
    unit_id: str
    carrier: str
    usage: str
    charge_category: str
    recoverable: bool
    month_start: _timestamp_pb2.Timestamp
    quantity: float
    unit: str
    kwh_pcs: float
    kwh_pci: float
    estimated_share: float
    coverage: float
    heating_normalised_kwh: float
    cost_eur: float
    conversion: str
    normalisation: str
    def __init__(self, meter_ref: _Optional[str] = ..., building_id: _Optional[str] = ..., unit_id: _Optional[str] = ..., carrier: _Optional[str] = ..., usage: _Optional[str] = ..., charge_category: _Optional[str] = ..., recoverable: _Optional[bool] = ..., month_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., quantity: _Optional[float] = ..., unit: _Optional[str] = ..., kwh_pcs: _Optional[float] = ..., kwh_pci: _Optional[float] = ..., estimated_share: _Optional[float] = ..., coverage: _Optional[float] = ..., heating_normalised_kwh: _Optional[float] = ..., cost_eur: _Optional[float] = ..., conversion: _Optional[str] = ..., normalisation: _Optional[str] = ...) -> None: ...

class ExportMonthlyResponse(_message.Message):
    __slots__ = ("figures", "as_of", "content_sha256", "arrow_ipc")
    FIGURES_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    CONTENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    ARROW_IPC_FIELD_NUMBER: _ClassVar[int]
    figures: _containers.RepeatedCompositeFieldContainer[MonthlyFigure]
    as_of: _timestamp_pb2.Timestamp
    content_sha256: str
    arrow_ipc: bytes
    def __init__(self, figures: _Optional[_Iterable[_Union[MonthlyFigure, _Mapping]]] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., content_sha256: _Optional[str] = ..., arrow_ipc: _Optional[bytes] = ...) -> None: ...

class ExportChargeControlRequest(_message.Message):
    __slots__ = ("period", "building_ids", "unit_ids", "as_of", "batch_size", "arrow_ipc")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    BUILDING_IDS_FIELD_NUMBER: _ClassVar[int]
    UNIT_IDS_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    ARROW_IPC_FIELD_NUMBER: _ClassVar[int]
    period: _common_pb2.Period
    building_ids: _containers.RepeatedScalarFieldContainer[str]
    unit_ids: _containers.RepeatedScalarFieldContainer[str]
    as_of: _timestamp_pb2.Timestamp
    batch_size: int
    arrow_ipc: bool
    def __init__(self, period: _Optional[_Union[_common_pb2.Period, _Mapping]] = ..., building_ids: _Optional[_Iterable[str]] = ..., unit_ids: _Optional[_Iterable[str]] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., batch_size: _Optional[int] = ..., arrow_ipc: _Optional[bool] = ...) -> None: ...

class RecoverableCost(_message.Message):
    __slots__ = ("building_id", "month", "charge_category", "cost_eur", "meters", "unpriced_meters", "estimated_share")
    BUILDING_ID_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    CHARGE_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    COST_EUR_FIELD_NUMBER: _ClassVar[int]
    METERS_FIELD_NUMBER: _ClassVar[int]
    UNPRICED_METERS_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_SHARE_FIELD_NUMBER: _ClassVar[int]
    building_id: str
    month: str
    charge_category: str
    cost_eur: float
    meters: int
    unpriced_meters: int
    estimated_share: float
    def __init__(self, building_id: _Optional[str] = ..., month: _Optional[str] = ..., charge_category: _Optional[str] = ..., cost_eur: _Optional[float] = ..., meters: _Optional[int] = ..., unpriced_meters: _Optional[int] = ..., estimated_share: _Optional[float] = ...) -> None: ...

class ChargeTotal(_message.Message):
    __slots__ = ("building_id", "charge_category", "provisions_eur", "recoverable_cost_eur", "balance_eur", "unpriced_meter_months", "costs_computed")
    BUILDING_ID_FIELD_NUMBER: _ClassVar[int]
    CHARGE_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    PROVISIONS_EUR_FIELD_NUMBER: _ClassVar[int]
    RECOVERABLE_COST_EUR_FIELD_NUMBER: _ClassVar[int]
    BALANCE_EUR_FIELD_NUMBER: _ClassVar[int]
    UNPRICED_METER_MONTHS_FIELD_NUMBER: _ClassVar[int]
    COSTS_COMPUTED_FIELD_NUMBER: _ClassVar[int]
    building_id: str
    charge_category: str
    provisions_eur: float
    recoverable_cost_eur: float
    balance_eur: float
    unpriced_meter_months: int
    costs_computed: bool
    def __init__(self, building_id: _Optional[str] = ..., charge_category: _Optional[str] = ..., provisions_eur: _Optional[float] = ..., recoverable_cost_eur: _Optional[float] = ..., balance_eur: _Optional[float] = ..., unpriced_meter_months: _Optional[int] = ..., costs_computed: _Optional[bool] = ...) -> None: ...

class ExportChargeControlResponse(_message.Message):
    __slots__ = ("totals", "costs", "provisions", "as_of", "content_sha256", "list", "arrow_ipc")
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    COSTS_FIELD_NUMBER: _ClassVar[int]
    PROVISIONS_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    CONTENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    LIST_FIELD_NUMBER: _ClassVar[int]
    ARROW_IPC_FIELD_NUMBER: _ClassVar[int]
    totals: _containers.RepeatedCompositeFieldContainer[ChargeTotal]
    costs: _containers.RepeatedCompositeFieldContainer[RecoverableCost]
    provisions: _containers.RepeatedCompositeFieldContainer[Provision]
    as_of: _timestamp_pb2.Timestamp
    content_sha256: str
    list: str
    arrow_ipc: bytes
    def __init__(self, totals: _Optional[_Iterable[_Union[ChargeTotal, _Mapping]]] = ..., costs: _Optional[_Iterable[_Union[RecoverableCost, _Mapping]]] = ..., provisions: _Optional[_Iterable[_Union[Provision, _Mapping]]] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., content_sha256: _Optional[str] = ..., list: _Optional[str] = ..., arrow_ipc: _Optional[bytes] = ...) -> None: ...

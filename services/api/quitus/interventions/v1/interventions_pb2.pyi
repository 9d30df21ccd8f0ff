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

class Nature(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NATURE_UNSPECIFIED: _ClassVar[Nature]
    NATURE_PREVENTIVE: _ClassVar[Nature]
    NATURE_CURATIVE: _ClassVar[Nature]
    NATURE_DIAGNOSTIC: _ClassVar[Nature]

class EventKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EVENT_KIND_UNSPECIFIED: _ClassVar[EventKind]
    EVENT_KIND_REQUESTED: _ClassVar[EventKind]
    EVENT_KIND_PLANNED: _ClassVar[EventKind]
    EVENT_KIND_REPLANNED: _ClassVar[EventKind]
    EVENT_KIND_VISIT_STARTED: _ClassVar[EventKind]
    EVENT_KIND_VISIT_ENDED: _ClassVar[EventKind]
    EVENT_KIND_SUSPENDED: _ClassVar[EventKind]
    EVENT_KIND_RESUMED: _ClassVar[EventKind]
    EVENT_KIND_RESOLVED: _ClassVar[EventKind]
    EVENT_KIND_QUITUS: _ClassVar[EventKind]
    EVENT_KIND_CLOSED: _ClassVar[EventKind]
    EVENT_KIND_CANCELLED: _ClassVar[EventKind]

class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STATUS_UNSPECIFIED: _ClassVar[Status]
    STATUS_OPEN: _ClassVar[Status]
    STATUS_SCHEDULED: _ClassVar[Status]
    STATUS_IN_PROGRESS: _ClassVar[Status]
    STATUS_ON_HOLD: _ClassVar[Status]
    STATUS_RESOLVED: _ClassVar[Status]
    STATUS_CLOSED: _ClassVar[Status]
    STATUS_CANCELLED: _ClassVar[Status]

class DeadlineLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEADLINE_LEVEL_UNSPECIFIED: _ClassVar[DeadlineLevel]
    DEADLINE_LEVEL_ON_TRACK: _ClassVar[DeadlineLevel]
    DEADLINE_LEVEL_ALERT_90: _ClassVar[DeadlineLevel]
    DEADLINE_LEVEL_BREACHED: _ClassVar[DeadlineLevel]

class DeadlineOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEADLINE_OUTCOME_UNSPECIFIED: _ClassVar[DeadlineOutcome]
    DEADLINE_OUTCOME_NO_DEADLINE: _ClassVar[DeadlineOutcome]
    DEADLINE_OUTCOME_MET: _ClassVar[DeadlineOutcome]
    DEADLINE_OUTCOME_MISSED: _ClassVar[DeadlineOutcome]
    DEADLINE_OUTCOME_PENDING: _ClassVar[DeadlineOutcome]
NATURE_UNSPECIFIED: Nature
NATURE_PREVENTIVE: Nature
NATURE_CURATIVE: Nature
NATURE_DIAGNOSTIC: Nature
EVENT_KIND_UNSPECIFIED: EventKind
EVENT_KIND_REQUESTED: EventKind
EVENT_KIND_PLANNED: EventKind
EVENT_KIND_REPLANNED: EventKind
EVENT_KIND_VISIT_STARTED: EventKind
EVENT_KIND_VISIT_ENDED: EventKind
EVENT_KIND_SUSPENDED: EventKind
EVENT_KIND_RESUMED: EventKind
EVENT_KIND_RESOLVED: EventKind
EVENT_KIND_QUITUS: EventKind
EVENT_KIND_CLOSED: EventKind
EVENT_KIND_CANCELLED: EventKind
STATUS_UNSPECIFIED: Status
STATUS_OPEN: Status
STATUS_SCHEDULED: Status
STATUS_IN_PROGRESS: Status
STATUS_ON_HOLD: Status
STATUS_RESOLVED: Status
STATUS_CLOSED: Status
STATUS_CANCELLED: Status
DEADLINE_LEVEL_UNSPECIFIED: DeadlineLevel
DEADLINE_LEVEL_ON_TRACK: DeadlineLevel
DEADLINE_LEVEL_ALERT_90: DeadlineLevel
DEADLINE_LEVEL_BREACHED: DeadlineLevel
DEADLINE_OUTCOME_UNSPECIFIED: DeadlineOutcome
DEADLINE_OUTCOME_NO_DEADLINE: DeadlineOutcome
DEADLINE_OUTCOME_MET: DeadlineOutcome
DEADLINE_OUTCOME_MISSED: DeadlineOutcome
DEADLINE_OUTCOME_PENDING: DeadlineOutcome

class Organisation(_message.Message):
    __slots__ = ("id", "name")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class Territory(_message.Message):
    __slots__ = ("id", "organisation_id", "name")
    ID_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    id: str
    organisation_id: str
    name: str
    def __init__(self, id: _Optional[str] = ..., organisation_id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class Residence(_message.Message):
    __slots__ = ("id", "territory_id", "name")
    ID_FIELD_NUMBER: _ClassVar[int]
    TERRITORY_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    id: str
    territory_id: str
    name: str
    def __init__(self, id: _Optional[str] = ..., territory_id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class Building(_message.Message):
    __slots__ = ("id", "residence_id", "address", "postcode", "city", "latitude", "longitude", "heated_area_m2", "dwellings", "heating_system", "weather_station", "territory_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    RESIDENCE_ID_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    POSTCODE_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    LATITUDE_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    HEATED_AREA_M2_FIELD_NUMBER: _ClassVar[int]
    DWELLINGS_FIELD_NUMBER: _ClassVar[int]
    HEATING_SYSTEM_FIELD_NUMBER: _ClassVar[int]
    WEATHER_STATION_FIELD_NUMBER: _ClassVar[int]
    TERRITORY_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    residence_id: str
    address: str
    postcode: str
    city: str
    latitude: float
    longitude: float
    heated_area_m2: float
    dwellings: int
    heating_system: str
    weather_station: str
    territory_id: str
    def __init__(self, id: _Optional[str] = ..., residence_id: _Optional[str] = ..., address: _Optional[str] = ..., postcode: _Optional[str] = ..., city: _Optional[str] = ..., latitude: _Optional[float] = ..., longitude: _Optional[float] = ..., heated_area_m2: _Optional[float] = ..., dwellings: _Optional[int] = ..., heating_system: _Optional[str] = ..., weather_station: _Optional[str] = ..., territory_id: _Optional[str] = ...) -> None: ...

class Unit(_message.Message):
    __slots__ = ("ug_id", "building_id", "kind", "area_m2")
    UG_ID_FIELD_NUMBER: _ClassVar[int]
    BUILDING_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    AREA_M2_FIELD_NUMBER: _ClassVar[int]
    ug_id: str
    building_id: str
    kind: str
    area_m2: float
    def __init__(self, ug_id: _Optional[str] = ..., building_id: _Optional[str] = ..., kind: _Optional[str] = ..., area_m2: _Optional[float] = ...) -> None: ...

class Equipment(_message.Message):
    __slots__ = ("id", "building_id", "kind", "label")
    ID_FIELD_NUMBER: _ClassVar[int]
    BUILDING_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    id: str
    building_id: str
    kind: str
    label: str
    def __init__(self, id: _Optional[str] = ..., building_id: _Optional[str] = ..., kind: _Optional[str] = ..., label: _Optional[str] = ...) -> None: ...

class Contractor(_message.Message):
    __slots__ = ("id", "name", "vehicle_profile")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    VEHICLE_PROFILE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    vehicle_profile: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., vehicle_profile: _Optional[str] = ...) -> None: ...

class ContractorBase(_message.Message):
    __slots__ = ("id", "contractor_id", "name", "latitude", "longitude")
    ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    LATITUDE_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    id: str
    contractor_id: str
    name: str
    latitude: float
    longitude: float
    def __init__(self, id: _Optional[str] = ..., contractor_id: _Optional[str] = ..., name: _Optional[str] = ..., latitude: _Optional[float] = ..., longitude: _Optional[float] = ...) -> None: ...

class Deadline(_message.Message):
    __slots__ = ("criticality", "intervene_hours", "repair_hours")
    CRITICALITY_FIELD_NUMBER: _ClassVar[int]
    INTERVENE_HOURS_FIELD_NUMBER: _ClassVar[int]
    REPAIR_HOURS_FIELD_NUMBER: _ClassVar[int]
    criticality: str
    intervene_hours: float
    repair_hours: float
    def __init__(self, criticality: _Optional[str] = ..., intervene_hours: _Optional[float] = ..., repair_hours: _Optional[float] = ...) -> None: ...

class ServiceCode(_message.Message):
    __slots__ = ("code", "trade", "nature", "deadlines", "unit_price_eur")
    CODE_FIELD_NUMBER: _ClassVar[int]
    TRADE_FIELD_NUMBER: _ClassVar[int]
    NATURE_FIELD_NUMBER: _ClassVar[int]
    DEADLINES_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_EUR_FIELD_NUMBER: _ClassVar[int]
    code: str
    trade: str
    nature: Nature
    deadlines: _containers.RepeatedCompositeFieldContainer[Deadline]
    unit_price_eur: float
    def __init__(self, code: _Optional[str] = ..., trade: _Optional[str] = ..., nature: _Optional[_Union[Nature, str]] = ..., deadlines: _Optional[_Iterable[_Union[Deadline, _Mapping]]] = ..., unit_price_eur: _Optional[float] = ...) -> None: ...

class PreventivePlan(_message.Message):
    __slots__ = ("service_code", "equipment_kind", "interval_days")
    SERVICE_CODE_FIELD_NUMBER: _ClassVar[int]
    EQUIPMENT_KIND_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_DAYS_FIELD_NUMBER: _ClassVar[int]
    service_code: str
    equipment_kind: str
    interval_days: int
    def __init__(self, service_code: _Optional[str] = ..., equipment_kind: _Optional[str] = ..., interval_days: _Optional[int] = ...) -> None: ...

class Contract(_message.Message):
    __slots__ = ("id", "contractor_id", "reference", "starts_at", "ends_at", "territory_ids", "residence_ids", "building_ids", "trades", "service_codes", "preventive_plans", "recoverable_share")
    ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    STARTS_AT_FIELD_NUMBER: _ClassVar[int]
    ENDS_AT_FIELD_NUMBER: _ClassVar[int]
    TERRITORY_IDS_FIELD_NUMBER: _ClassVar[int]
    RESIDENCE_IDS_FIELD_NUMBER: _ClassVar[int]
    BUILDING_IDS_FIELD_NUMBER: _ClassVar[int]
    TRADES_FIELD_NUMBER: _ClassVar[int]
    SERVICE_CODES_FIELD_NUMBER: _ClassVar[int]
    PREVENTIVE_PLANS_FIELD_NUMBER: _ClassVar[int]
    RECOVERABLE_SHARE_FIELD_NUMBER: _ClassVar[int]
    id: str
    contractor_id: str
    reference: str
    starts_at: _timestamp_pb2.Timestamp
    ends_at: _timestamp_pb2.Timestamp
    territory_ids: _containers.RepeatedScalarFieldContainer[str]
    residence_ids: _containers.RepeatedScalarFieldContainer[str]
    building_ids: _containers.RepeatedScalarFieldContainer[str]
    trades: _containers.RepeatedScalarFieldContainer[str]
    service_codes: _containers.RepeatedCompositeFieldContainer[ServiceCode]
    preventive_plans: _containers.RepeatedCompositeFieldContainer[PreventivePlan]
    recoverable_share: float
    def __init__(self, id: _Optional[str] = ..., contractor_id: _Optional[str] = ..., reference: _Optional[str] = ..., starts_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ends_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., territory_ids: _Optional[_Iterable[str]] = ..., residence_ids: _Optional[_Iterable[str]] = ..., building_ids: _Optional[_Iterable[str]] = ..., trades: _Optional[_Iterable[str]] = ..., service_codes: _Optional[_Iterable[_Union[ServiceCode, _Mapping]]] = ..., preventive_plans: _Optional[_Iterable[_Union[PreventivePlan, _Mapping]]] = ..., recoverable_share: _Optional[float] = ...) -> None: ...

class PortfolioRecord(_message.Message):
    __slots__ = ("organisation", "territory", "residence", "building", "unit", "equipment", "contractor", "contractor_base", "contract")
    ORGANISATION_FIELD_NUMBER: _ClassVar[int]
    TERRITORY_FIELD_NUMBER: _ClassVar[int]
    RESIDENCE_FIELD_NUMBER: _ClassVar[int]
    BUILDING_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    EQUIPMENT_FIELD_NUMBER: _ClassVar[int]
    CONTRACTOR_FIELD_NUMBER: _ClassVar[int]
    CONTRACTOR_BASE_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    organisation: Organisation
    territory: Territory
    residence: Residence
    building: Building
    unit: Unit
    equipment: Equipment
    contractor: Contractor
    contractor_base: ContractorBase
    contract: Contract
    def __init__(self, organisation: _Optional[_Union[Organisation, _Mapping]] = ..., territory: _Optional[_Union[Territory, _Mapping]] = ..., residence: _Optional[_Union[Residence, _Mapping]] = ..., building: _Optional[_Union[Building, _Mapping]] = ..., unit: _Optional[_Union[Unit, _Mapping]] = ..., equipment: _Optional[_Union[Equipment, _Mapping]] = ..., contractor: _Optional[_Union[Contractor, _Mapping]] = ..., contractor_base: _Optional[_Union[ContractorBase, _Mapping]] = ..., contract: _Optional[_Union[Contract, _Mapping]] = ...) -> None: ...

class ImportPortfolioRequest(_message.Message):
    __slots__ = ("records", "recorded_at")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[PortfolioRecord]
    recorded_at: _timestamp_pb2.Timestamp
    def __init__(self, records: _Optional[_Iterable[_Union[PortfolioRecord, _Mapping]]] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ImportPortfolioResponse(_message.Message):
    __slots__ = ("summary",)
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    summary: _common_pb2.ImportSummary
    def __init__(self, summary: _Optional[_Union[_common_pb2.ImportSummary, _Mapping]] = ...) -> None: ...

class InterventionEvent(_message.Message):
    __slots__ = ("contractor_id", "external_ref", "sequence", "kind", "event_time", "recorded_at", "contract_id", "service_code", "ug_id", "building_id", "equipment_id", "criticality", "description", "visit_number", "quitus_document", "quitus_signed_by", "cost_eur", "note")
    CONTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_REF_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    SERVICE_CODE_FIELD_NUMBER: _ClassVar[int]
    UG_ID_FIELD_NUMBER: _ClassVar[int]
    BUILDING_ID_FIELD_NUMBER: _ClassVar[int]
    EQUIPMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CRITICALITY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    VISIT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    QUITUS_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    QUITUS_SIGNED_BY_FIELD_NUMBER: _ClassVar[int]
    COST_EUR_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    contractor_id: str
    external_ref: str
    sequence: int
    kind: EventKind
    event_time: _timestamp_pb2.Timestamp
    recorded_at: _timestamp_pb2.Timestamp
    contract_id: str
    service_code: str
    ug_id: str
    building_id: str
    equipment_id: str
    criticality: str
    description: str
    visit_number: int
    quitus_document: str
    quitus_signed_by: str
    cost_eur: float
    note: str
    def __init__(self, contractor_id: _Optional[str] = ..., external_ref: _Optional[str] = ..., sequence: _Optional[int] = ..., kind: _Optional[_Union[EventKind, str]] = ..., event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., contract_id: _Optional[str] = ..., service_code: _Optional[str] = ..., ug_id: _Optional[str] = ..., building_id: _Optional[str] = ..., equipment_id: _Optional[str] = ..., criticality: _Optional[str] = ..., description: _Optional[str] = ..., visit_number: _Optional[int] = ..., quitus_document: _Optional[str] = ..., quitus_signed_by: _Optional[str] = ..., cost_eur: _Optional[float] = ..., note: _Optional[str] = ...) -> None: ...

class EventColumns(_message.Message):
    __slots__ = ("contractor_id", "external_ref", "sequence", "kind", "event_time_us", "recorded_at_us", "contract_id", "service_code", "ug_id", "building_id", "equipment_id", "criticality", "description", "visit_number", "quitus_document", "quitus_signed_by", "cost_eur", "note")
    CONTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_REF_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_US_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_US_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    SERVICE_CODE_FIELD_NUMBER: _ClassVar[int]
    UG_ID_FIELD_NUMBER: _ClassVar[int]
    BUILDING_ID_FIELD_NUMBER: _ClassVar[int]
    EQUIPMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CRITICALITY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    VISIT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    QUITUS_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    QUITUS_SIGNED_BY_FIELD_NUMBER: _ClassVar[int]
    COST_EUR_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    contractor_id: _containers.RepeatedScalarFieldContainer[str]
    external_ref: _containers.RepeatedScalarFieldContainer[str]
    sequence: _containers.RepeatedScalarFieldContainer[int]
    kind: _containers.RepeatedScalarFieldContainer[EventKind]
    event_time_us: _containers.RepeatedScalarFieldContainer[int]
    recorded_at_us: _containers.RepeatedScalarFieldContainer[int]
    contract_id: _containers.RepeatedScalarFieldContainer[str]
    service_code: _containers.RepeatedScalarFieldContainer[str]
    ug_id: _containers.RepeatedScalarFieldContainer[str]
    building_id: _containers.RepeatedScalarFieldContainer[str]
    equipment_id: _containers.RepeatedScalarFieldContainer[str]
    criticality: _containers.RepeatedScalarFieldContainer[str]
    description: _containers.RepeatedScalarFieldContainer[str]
    visit_number: _containers.RepeatedScalarFieldContainer[int]
    quitus_document: _containers.RepeatedScalarFieldContainer[str]
    quitus_signed_by: _containers.RepeatedScalarFieldContainer[str]
    cost_eur: _containers.RepeatedScalarFieldContainer[float]
    note: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, contractor_id: _Optional[_Iterable[str]] = ..., external_ref: _Optional[_Iterable[str]] = ..., sequence: _Optional[_Iterable[int]] = ..., kind: _Optional[_Iterable[_Union[EventKind, str]]] = ..., event_time_us: _Optional[_Iterable[int]] = ..., recorded_at_us: _Optional[_Iterable[int]] = ..., contract_id: _Optional[_Iterable[str]] = ..., service_code: _Optional[_Iterable[str]] = ..., ug_id: _Optional[_Iterable[str]] = ..., building_id: _Optional[_Iterable[str]] = ..., equipment_id: _Optional[_Iterable[str]] = ..., criticality: _Optional[_Iterable[str]] = ..., description: _Optional[_Iterable[str]] = ..., visit_number: _Optional[_Iterable[int]] = ..., quitus_document: _Optional[_Iterable[str]] = ..., quitus_signed_by: _Optional[_Iterable[str]] = ..., cost_eur: _Optional[_Iterable[float]] = ..., note: _Optional[_Iterable[str]] = ...) -> None: ...

class EventList(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[InterventionEvent]
    def __init__(self, events: _Optional[_Iterable[_Union[InterventionEvent, _Mapping]]] = ...) -> None: ...

class IngestEventsRequest(_message.Message):
    __slots__ = ("batch_id", "events", "columns", "arrow_ipc")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    ARROW_IPC_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    events: EventList
    columns: EventColumns
    arrow_ipc: bytes
    def __init__(self, batch_id: _Optional[str] = ..., events: _Optional[_Union[EventList, _Mapping]] = ..., columns: _Optional[_Union[EventColumns, _Mapping]] = ..., arrow_ipc: _Optional[bytes] = ...) -> None: ...

class IngestEventsResponse(_message.Message):
    __slots__ = ("batch_id", "received", "accepted", "duplicates", "rejected", "warnings", "refused_whole", "refusal", "more_rejected", "more_warnings")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    REFUSED_WHOLE_FIELD_NUMBER: _ClassVar[int]
    REFUSAL_FIELD_NUMBER: _ClassVar[int]
    MORE_REJECTED_FIELD_NUMBER: _ClassVar[int]
    MORE_WARNINGS_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    received: int
    accepted: int
    duplicates: int
    rejected: _containers.RepeatedCompositeFieldContainer[_common_pb2.RecordIssue]
    warnings: _containers.RepeatedCompositeFieldContainer[_common_pb2.RecordIssue]
    refused_whole: bool
    refusal: _common_pb2.RecordIssue
    more_rejected: int
    more_warnings: int
    def __init__(self, batch_id: _Optional[str] = ..., received: _Optional[int] = ..., accepted: _Optional[int] = ..., duplicates: _Optional[int] = ..., rejected: _Optional[_Iterable[_Union[_common_pb2.RecordIssue, _Mapping]]] = ..., warnings: _Optional[_Iterable[_Union[_common_pb2.RecordIssue, _Mapping]]] = ..., refused_whole: _Optional[bool] = ..., refusal: _Optional[_Union[_common_pb2.RecordIssue, _Mapping]] = ..., more_rejected: _Optional[int] = ..., more_warnings: _Optional[int] = ...) -> None: ...

class TimelineEvent(_message.Message):
    __slots__ = ("sequence", "kind", "event_time", "recorded_at", "visit_number", "note", "quitus_document", "quitus_signed_by", "cost_eur", "warnings")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    VISIT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    QUITUS_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    QUITUS_SIGNED_BY_FIELD_NUMBER: _ClassVar[int]
    COST_EUR_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    kind: EventKind
    event_time: _timestamp_pb2.Timestamp
    recorded_at: _timestamp_pb2.Timestamp
    visit_number: int
    note: str
    quitus_document: str
    quitus_signed_by: str
    cost_eur: float
    warnings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, sequence: _Optional[int] = ..., kind: _Optional[_Union[EventKind, str]] = ..., event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., visit_number: _Optional[int] = ..., note: _Optional[str] = ..., quitus_document: _Optional[str] = ..., quitus_signed_by: _Optional[str] = ..., cost_eur: _Optional[float] = ..., warnings: _Optional[_Iterable[str]] = ...) -> None: ...

class Intervention(_message.Message):
    __slots__ = ("id", "contractor_id", "external_ref", "contract_id", "service_code", "trade", "nature", "criticality", "building_id", "ug_id", "equipment_id", "address", "status", "requested_at", "first_visit_at", "resolved_at", "closed_at", "visits", "cost_eur", "description", "timeline", "description_truncated")
    ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_REF_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    SERVICE_CODE_FIELD_NUMBER: _ClassVar[int]
    TRADE_FIELD_NUMBER: _ClassVar[int]
    NATURE_FIELD_NUMBER: _ClassVar[int]
    CRITICALITY_FIELD_NUMBER: _ClassVar[int]
    BUILDING_ID_FIELD_NUMBER: _ClassVar[int]
    UG_ID_FIELD_NUMBER: _ClassVar[int]
    EQUIPMENT_ID_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_AT_FIELD_NUMBER: _ClassVar[int]
    FIRST_VISIT_AT_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSED_AT_FIELD_NUMBER: _ClassVar[int]
    VISITS_FIELD_NUMBER: _ClassVar[int]
    COST_EUR_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TIMELINE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    id: str
    contractor_id: str
    external_ref: str
    contract_id: str
    service_code: str
    trade: str
    nature: Nature
    criticality: str
    building_id: str
    ug_id: str
    equipment_id: str
    address: str
    status: Status
    requested_at: _timestamp_pb2.Timestamp
    first_visit_at: _timestamp_pb2.Timestamp
    resolved_at: _timestamp_pb2.Timestamp
    closed_at: _timestamp_pb2.Timestamp
    visits: int
    cost_eur: float
    description: str
    timeline: _containers.RepeatedCompositeFieldContainer[TimelineEvent]
    description_truncated: bool
    def __init__(self, id: _Optional[str] = ..., contractor_id: _Optional[str] = ..., external_ref: _Optional[str] = ..., contract_id: _Optional[str] = ..., service_code: _Optional[str] = ..., trade: _Optional[str] = ..., nature: _Optional[_Union[Nature, str]] = ..., criticality: _Optional[str] = ..., building_id: _Optional[str] = ..., ug_id: _Optional[str] = ..., equipment_id: _Optional[str] = ..., address: _Optional[str] = ..., status: _Optional[_Union[Status, str]] = ..., requested_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_visit_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolved_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., closed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., visits: _Optional[int] = ..., cost_eur: _Optional[float] = ..., description: _Optional[str] = ..., timeline: _Optional[_Iterable[_Union[TimelineEvent, _Mapping]]] = ..., description_truncated: _Optional[bool] = ...) -> None: ...

class GetInterventionRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetInterventionResponse(_message.Message):
    __slots__ = ("intervention",)
    INTERVENTION_FIELD_NUMBER: _ClassVar[int]
    intervention: Intervention
    def __init__(self, intervention: _Optional[_Union[Intervention, _Mapping]] = ...) -> None: ...

class SearchInterventionsRequest(_message.Message):
    __slots__ = ("ug_id", "address_text", "building_id", "contractor_id", "status", "requested", "page")
    UG_ID_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_TEXT_FIELD_NUMBER: _ClassVar[int]
    BUILDING_ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    ug_id: str
    address_text: str
    building_id: str
    contractor_id: str
    status: Status
    requested: _common_pb2.Period
    page: _common_pb2.PageRequest
    def __init__(self, ug_id: _Optional[str] = ..., address_text: _Optional[str] = ..., building_id: _Optional[str] = ..., contractor_id: _Optional[str] = ..., status: _Optional[_Union[Status, str]] = ..., requested: _Optional[_Union[_common_pb2.Period, _Mapping]] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class SearchInterventionsResponse(_message.Message):
    __slots__ = ("interventions", "next_page_token")
    INTERVENTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    interventions: _containers.RepeatedCompositeFieldContainer[Intervention]
    next_page_token: str
    def __init__(self, interventions: _Optional[_Iterable[_Union[Intervention, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeadlineLine(_message.Message):
    __slots__ = ("intervention_id", "contractor_id", "building_id", "ug_id", "kind", "allowed_hours", "elapsed_hours", "used_share", "level")
    INTERVENTION_ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    BUILDING_ID_FIELD_NUMBER: _ClassVar[int]
    UG_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_HOURS_FIELD_NUMBER: _ClassVar[int]
    ELAPSED_HOURS_FIELD_NUMBER: _ClassVar[int]
    USED_SHARE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    intervention_id: str
    contractor_id: str
    building_id: str
    ug_id: str
    kind: str
    allowed_hours: float
    elapsed_hours: float
    used_share: float
    level: DeadlineLevel
    def __init__(self, intervention_id: _Optional[str] = ..., contractor_id: _Optional[str] = ..., building_id: _Optional[str] = ..., ug_id: _Optional[str] = ..., kind: _Optional[str] = ..., allowed_hours: _Optional[float] = ..., elapsed_hours: _Optional[float] = ..., used_share: _Optional[float] = ..., level: _Optional[_Union[DeadlineLevel, str]] = ...) -> None: ...

class GetDeadlineStatusRequest(_message.Message):
    __slots__ = ("at", "contractor_id", "alerts_only", "limit")
    AT_FIELD_NUMBER: _ClassVar[int]
    CONTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ALERTS_ONLY_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    at: _timestamp_pb2.Timestamp
    contractor_id: str
    alerts_only: bool
    limit: int
    def __init__(self, at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., contractor_id: _Optional[str] = ..., alerts_only: _Optional[bool] = ..., limit: _Optional[int] = ...) -> None: ...

class GetDeadlineStatusResponse(_message.Message):
    __slots__ = ("lines", "on_track", "alert_90", "breached")
    LINES_FIELD_NUMBER: _ClassVar[int]
    ON_TRACK_FIELD_NUMBER: _ClassVar[int]
    ALERT_90_FIELD_NUMBER: _ClassVar[int]
    BREACHED_FIELD_NUMBER: _ClassVar[int]
    lines: _containers.RepeatedCompositeFieldContainer[DeadlineLine]
    on_track: int
    alert_90: int
    breached: int
    def __init__(self, lines: _Optional[_Iterable[_Union[DeadlineLine, _Mapping]]] = ..., on_track: _Optional[int] = ..., alert_90: _Optional[int] = ..., breached: _Optional[int] = ...) -> None: ...

class ContractorQuality(_message.Message):
    __slots__ = ("contractor_id", "received", "accepted", "rejected", "warned", "passing_share", "meets_target", "by_rule")
    class ByRuleEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    CONTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    WARNED_FIELD_NUMBER: _ClassVar[int]
    PASSING_SHARE_FIELD_NUMBER: _ClassVar[int]
    MEETS_TARGET_FIELD_NUMBER: _ClassVar[int]
    BY_RULE_FIELD_NUMBER: _ClassVar[int]
    contractor_id: str
    received: int
    accepted: int
    rejected: int
    warned: int
    passing_share: float
    meets_target: bool
    by_rule: _containers.ScalarMap[str, int]
    def __init__(self, contractor_id: _Optional[str] = ..., received: _Optional[int] = ..., accepted: _Optional[int] = ..., rejected: _Optional[int] = ..., warned: _Optional[int] = ..., passing_share: _Optional[float] = ..., meets_target: _Optional[bool] = ..., by_rule: _Optional[_Mapping[str, int]] = ...) -> None: ...

class GetDataQualityRequest(_message.Message):
    __slots__ = ("contractor_id", "target", "as_of")
    CONTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    contractor_id: str
    target: float
    as_of: _timestamp_pb2.Timestamp
    def __init__(self, contractor_id: _Optional[str] = ..., target: _Optional[float] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetDataQualityResponse(_message.Message):
    __slots__ = ("contractors", "target")
    CONTRACTORS_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    contractors: _containers.RepeatedCompositeFieldContainer[ContractorQuality]
    target: float
    def __init__(self, contractors: _Optional[_Iterable[_Union[ContractorQuality, _Mapping]]] = ..., target: _Optional[float] = ...) -> None: ...

class Rejection(_message.Message):
    __slots__ = ("id", "contractor_id", "record_key", "rule", "field", "reason", "received_at", "payload_json")
    ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    RECORD_KEY_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_FIELD_NUMBER: _ClassVar[int]
    id: int
    contractor_id: str
    record_key: str
    rule: str
    field: str
    reason: str
    received_at: _timestamp_pb2.Timestamp
    payload_json: str
    def __init__(self, id: _Optional[int] = ..., contractor_id: _Optional[str] = ..., record_key: _Optional[str] = ..., rule: _Optional[str] = ..., field: _Optional[str] = ..., reason: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., payload_json: _Optional[str] = ...) -> None: ...

class ListRejectionsRequest(_message.Message):
    __slots__ = ("contractor_id", "rule", "page")
    CONTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    contractor_id: str
    rule: str
    page: _common_pb2.PageRequest
    def __init__(self, contractor_id: _Optional[str] = ..., rule: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListRejectionsResponse(_message.Message):
    __slots__ = ("rejections", "next_page_token")
    REJECTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    rejections: _containers.RepeatedCompositeFieldContainer[Rejection]
    next_page_token: str
    def __init__(self, rejections: _Optional[_Iterable[_Union[Rejection, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetTopUnitsRequest(_message.Message):
    __slots__ = ("requested", "limit", "contractor_id")
    REQUESTED_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    CONTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    requested: _common_pb2.Period
    limit: int
    contractor_id: str
    def __init__(self, requested: _Optional[_Union[_common_pb2.Period, _Mapping]] = ..., limit: _Optional[int] = ..., contractor_id: _Optional[str] = ...) -> None: ...

class UnitCount(_message.Message):
    __slots__ = ("ug_id", "building_id", "address", "curative_interventions")
    UG_ID_FIELD_NUMBER: _ClassVar[int]
    BUILDING_ID_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CURATIVE_INTERVENTIONS_FIELD_NUMBER: _ClassVar[int]
    ug_id: str
    building_id: str
    address: str
    curative_interventions: int
    def __init__(self, ug_id: _Optional[str] = ..., building_id: _Optional[str] = ..., address: _Optional[str] = ..., curative_interventions: _Optional[int] = ...) -> None: ...

class GetTopUnitsResponse(_message.Message):
    __slots__ = ("units",)
    UNITS_FIELD_NUMBER: _ClassVar[int]
    units: _containers.RepeatedCompositeFieldContainer[UnitCount]
    def __init__(self, units: _Optional[_Iterable[_Union[UnitCount, _Mapping]]] = ...) -> None: ...

class InterventionFact(_message.Message):
    __slots__ = ("id", "contractor_id", "contract_id", "service_code", "trade", "nature", "criticality", "building_id", "ug_id", "status", "requested_at", "first_visit_at", "resolved_at", "closed_at", "visits", "first_time_fix", "intervene_deadline", "repair_deadline", "cost_eur", "has_quitus", "recoverable_share")
    ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    SERVICE_CODE_FIELD_NUMBER: _ClassVar[int]
    TRADE_FIELD_NUMBER: _ClassVar[int]
    NATURE_FIELD_NUMBER: _ClassVar[int]
    CRITICALITY_FIELD_NUMBER: _ClassVar[int]
    BUILDING_ID_FIELD_NUMBER: _ClassVar[int]
    UG_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_AT_FIELD_NUMBER: _ClassVar[int]
    FIRST_VISIT_AT_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSED_AT_FIELD_NUMBER: _ClassVar[int]
    VISITS_FIELD_NUMBER: _ClassVar[int]
    FIRST_TIME_FIX_FIELD_NUMBER: _ClassVar[int]
    INTERVENE_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    REPAIR_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    COST_EUR_FIELD_NUMBER: _ClassVar[int]
    HAS_QUITUS_FIELD_NUMBER: _ClassVar[int]
    RECOVERABLE_SHARE_FIELD_NUMBER: _ClassVar[int]
    id: str
    contractor_id: str
    contract_id: str
    service_code: str
    trade: str
    nature: Nature
    criticality: str
    building_id: str
    ug_id: str
    status: Status
    requested_at: _timestamp_pb2.Timestamp
    first_visit_at: _timestamp_pb2.Timestamp
    resolved_at: _timestamp_pb2.Timestamp
    closed_at: _timestamp_pb2.Timestamp
    visits: int
    first_time_fix: bool
    intervene_deadline: DeadlineOutcome
    repair_deadline: DeadlineOutcome
    cost_eur: float
    has_quitus: bool
    recoverable_share: float
    def __init__(self, id: _Optional[str] = ..., contractor_id: _Optional[str] = ..., contract_id: _Optional[str] = ..., service_code: _Optional[str] = ..., trade: _Optional[str] = ..., nature: _Optional[_Union[Nature, str]] = ..., criticality: _Optional[str] = ..., building_id: _Optional[str] = ..., ug_id: _Optional[str] = ..., status: _Optional[_Union[Status, str]] = ..., requested_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_visit_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolved_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., closed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., visits: _Optional[int] = ..., first_time_fix: _Optional[bool] = ..., intervene_deadline: _Optional[_Union[DeadlineOutcome, str]] = ..., repair_deadline: _Optional[_Union[DeadlineOutcome, str]] = ..., cost_eur: _Optional[float] = ..., has_quitus: _Optional[bool] = ..., recoverable_share: _Optional[float] = ...) -> None: ...

class ExportInterventionsRequest(_message.Message):
    __slots__ = ("requested", "as_of", "contractor_ids", "territory_ids", "building_ids", "batch_size", "form")
    REQUESTED_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    CONTRACTOR_IDS_FIELD_NUMBER: _ClassVar[int]
    TERRITORY_IDS_FIELD_NUMBER: _ClassVar[int]
    BUILDING_IDS_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    FORM_FIELD_NUMBER: _ClassVar[int]
    requested: _common_pb2.Period
    as_of: _timestamp_pb2.Timestamp
    contractor_ids: _containers.RepeatedScalarFieldContainer[str]
    territory_ids: _containers.RepeatedScalarFieldContainer[str]
    building_ids: _containers.RepeatedScalarFieldContainer[str]
    batch_size: int
    form: _common_pb2.ExportForm
    def __init__(self, requested: _Optional[_Union[_common_pb2.Period, _Mapping]] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., contractor_ids: _Optional[_Iterable[str]] = ..., territory_ids: _Optional[_Iterable[str]] = ..., building_ids: _Optional[_Iterable[str]] = ..., batch_size: _Optional[int] = ..., form: _Optional[_Union[_common_pb2.ExportForm, str]] = ...) -> None: ...

class ExportInterventionsResponse(_message.Message):
    __slots__ = ("facts", "done", "total", "content_sha256", "caveats", "arrow_ipc")
    FACTS_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    CONTENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    CAVEATS_FIELD_NUMBER: _ClassVar[int]
    ARROW_IPC_FIELD_NUMBER: _ClassVar[int]
    facts: _containers.RepeatedCompositeFieldContainer[InterventionFact]
    done: bool
    total: int
    content_sha256: str
    caveats: ExportCaveats
    arrow_ipc: bytes
    def __init__(self, facts: _Optional[_Iterable[_Union[InterventionFact, _Mapping]]] = ..., done: _Optional[bool] = ..., total: _Optional[int] = ..., content_sha256: _Optional[str] = ..., caveats: _Optional[_Union[ExportCaveats, _Mapping]] = ..., arrow_ipc: _Optional[bytes] = ...) -> None: ...

class ExportCaveats(_message.Message):
    __slots__ = ("cancelled", "pending_deadlines", "closed_without_quitus")
    CANCELLED_FIELD_NUMBER: _ClassVar[int]
    PENDING_DEADLINES_FIELD_NUMBER: _ClassVar[int]
    CLOSED_WITHOUT_QUITUS_FIELD_NUMBER: _ClassVar[int]
    cancelled: int
    pending_deadlines: int
    closed_without_quitus: int
    def __init__(self, cancelled: _Optional[int] = ..., pending_deadlines: _Optional[int] = ..., closed_without_quitus: _Optional[int] = ...) -> None: ...

class ExportPortfolioRequest(_message.Message):
    __slots__ = ("as_of", "batch_size")
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    as_of: _timestamp_pb2.Timestamp
    batch_size: int
    def __init__(self, as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., batch_size: _Optional[int] = ...) -> None: ...

class ExportPortfolioResponse(_message.Message):
    __slots__ = ("records", "done", "total", "counts", "content_sha256")
    class CountsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    CONTENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[PortfolioRecord]
    done: bool
    total: int
    counts: _containers.ScalarMap[str, int]
    content_sha256: str
    def __init__(self, records: _Optional[_Iterable[_Union[PortfolioRecord, _Mapping]]] = ..., done: _Optional[bool] = ..., total: _Optional[int] = ..., counts: _Optional[_Mapping[str, int]] = ..., content_sha256: _Optional[str] = ...) -> None: ...

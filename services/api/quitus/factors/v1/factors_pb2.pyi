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

class FallbackRule(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FALLBACK_RULE_UNSPECIFIED: _ClassVar[FallbackRule]
    FALLBACK_RULE_REFUSE: _ClassVar[FallbackRule]
    FALLBACK_RULE_LATEST_EXPIRED: _ClassVar[FallbackRule]
FALLBACK_RULE_UNSPECIFIED: FallbackRule
FALLBACK_RULE_REFUSE: FallbackRule
FALLBACK_RULE_LATEST_EXPIRED: FallbackRule

class Excluded(_message.Message):
    __slots__ = ("key", "reason")
    KEY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    key: str
    reason: str
    def __init__(self, key: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class SetMetadata(_message.Message):
    __slots__ = ("name", "version", "publisher", "title", "publication_date", "licence", "gwp_basis", "source_url", "reference", "notes", "excluded")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PUBLISHER_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PUBLICATION_DATE_FIELD_NUMBER: _ClassVar[int]
    LICENCE_FIELD_NUMBER: _ClassVar[int]
    GWP_BASIS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_URL_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    publisher: str
    title: str
    publication_date: str
    licence: str
    gwp_basis: str
    source_url: str
    reference: str
    notes: str
    excluded: _containers.RepeatedCompositeFieldContainer[Excluded]
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., publisher: _Optional[str] = ..., title: _Optional[str] = ..., publication_date: _Optional[str] = ..., licence: _Optional[str] = ..., gwp_basis: _Optional[str] = ..., source_url: _Optional[str] = ..., reference: _Optional[str] = ..., notes: _Optional[str] = ..., excluded: _Optional[_Iterable[_Union[Excluded, _Mapping]]] = ...) -> None: ...

class Factor(_message.Message):
    __slots__ = ("key", "activity", "carrier", "unit", "unit_as_published", "usage", "country", "boundary", "variant", "kgco2e_per_unit", "scope", "valid_from", "valid_to", "uncertainty_pct", "source", "flag", "notes")
    KEY_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    CARRIER_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    UNIT_AS_PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    BOUNDARY_FIELD_NUMBER: _ClassVar[int]
    VARIANT_FIELD_NUMBER: _ClassVar[int]
    KGCO2E_PER_UNIT_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_TO_FIELD_NUMBER: _ClassVar[int]
    UNCERTAINTY_PCT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    FLAG_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    key: str
    activity: str
    carrier: str
    unit: str
    unit_as_published: str
    usage: str
    country: str
    boundary: str
    variant: str
    kgco2e_per_unit: float
    scope: str
    valid_from: str
    valid_to: str
    uncertainty_pct: float
    source: str
    flag: str
    notes: str
    def __init__(self, key: _Optional[str] = ..., activity: _Optional[str] = ..., carrier: _Optional[str] = ..., unit: _Optional[str] = ..., unit_as_published: _Optional[str] = ..., usage: _Optional[str] = ..., country: _Optional[str] = ..., boundary: _Optional[str] = ..., variant: _Optional[str] = ..., kgco2e_per_unit: _Optional[float] = ..., scope: _Optional[str] = ..., valid_from: _Optional[str] = ..., valid_to: _Optional[str] = ..., uncertainty_pct: _Optional[float] = ..., source: _Optional[str] = ..., flag: _Optional[str] = ..., notes: _Optional[str] = ...) -> None: ...

class SetVersion(_message.Message):
    __slots__ = ("metadata", "content_sha256", "sequence", "published_at", "published_by", "factor_count", "flagged_count")
    METADATA_FIELD_NUMBER: _ClassVar[int]
    CONTENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_BY_FIELD_NUMBER: _ClassVar[int]
    FACTOR_COUNT_FIELD_NUMBER: _ClassVar[int]
    FLAGGED_COUNT_FIELD_NUMBER: _ClassVar[int]
    metadata: SetMetadata
    content_sha256: str
    sequence: int
    published_at: _timestamp_pb2.Timestamp
    published_by: str
    factor_count: int
    flagged_count: int
    def __init__(self, metadata: _Optional[_Union[SetMetadata, _Mapping]] = ..., content_sha256: _Optional[str] = ..., sequence: _Optional[int] = ..., published_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., published_by: _Optional[str] = ..., factor_count: _Optional[int] = ..., flagged_count: _Optional[int] = ...) -> None: ...

class PublishRequest(_message.Message):
    __slots__ = ("metadata", "factors")
    METADATA_FIELD_NUMBER: _ClassVar[int]
    FACTORS_FIELD_NUMBER: _ClassVar[int]
    metadata: SetMetadata
    factors: _containers.RepeatedCompositeFieldContainer[Factor]
    def __init__(self, metadata: _Optional[_Union[SetMetadata, _Mapping]] = ..., factors: _Optional[_Iterable[_Union[Factor, _Mapping]]] = ...) -> None: ...

class PublishResponse(_message.Message):
    __slots__ = ("version", "created")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    version: SetVersion
    created: bool
    def __init__(self, version: _Optional[_Union[SetVersion, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class ListSetsRequest(_message.Message):
    __slots__ = ("name", "page")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    name: str
    page: _common_pb2.PageRequest
    def __init__(self, name: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListSetsResponse(_message.Message):
    __slots__ = ("versions", "next_page_token")
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    versions: _containers.RepeatedCompositeFieldContainer[SetVersion]
    next_page_token: str
    def __init__(self, versions: _Optional[_Iterable[_Union[SetVersion, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetSetRequest(_message.Message):
    __slots__ = ("name", "version")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ...) -> None: ...

class GetSetResponse(_message.Message):
    __slots__ = ("version", "factors")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    FACTORS_FIELD_NUMBER: _ClassVar[int]
    version: SetVersion
    factors: _containers.RepeatedCompositeFieldContainer[Factor]
    def __init__(self, version: _Optional[_Union[SetVersion, _Mapping]] = ..., factors: _Optional[_Iterable[_Union[Factor, _Mapping]]] = ...) -> None: ...

class Activity(_message.Message):
    __slots__ = ("ref", "carrier", "unit", "usage", "country", "boundary", "variant", "date", "quantity", "date_to")
    REF_FIELD_NUMBER: _ClassVar[int]
    CARRIER_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    BOUNDARY_FIELD_NUMBER: _ClassVar[int]
    VARIANT_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    DATE_TO_FIELD_NUMBER: _ClassVar[int]
    ref: str
    carrier: str
    unit: str
    usage: str
    country: str
    boundary: str
    variant: str
    date: str
    quantity: float
    date_to: str
    def __init__(self, ref: _Optional[str] = ..., carrier: _Optional[str] = ..., unit: _Optional[str] = ..., usage: _Optional[str] = ..., country: _Optional[str] = ..., boundary: _Optional[str] = ..., variant: _Optional[str] = ..., date: _Optional[str] = ..., quantity: _Optional[float] = ..., date_to: _Optional[str] = ...) -> None: ...

class ResolveRequest(_message.Message):
    __slots__ = ("set_name", "version", "activities", "partial", "fallback_rule")
    SET_NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ACTIVITIES_FIELD_NUMBER: _ClassVar[int]
    PARTIAL_FIELD_NUMBER: _ClassVar[int]
    FALLBACK_RULE_FIELD_NUMBER: _ClassVar[int]
    set_name: str
    version: str
    activities: _containers.RepeatedCompositeFieldContainer[Activity]
    partial: bool
    fallback_rule: FallbackRule
    def __init__(self, set_name: _Optional[str] = ..., version: _Optional[str] = ..., activities: _Optional[_Iterable[_Union[Activity, _Mapping]]] = ..., partial: _Optional[bool] = ..., fallback_rule: _Optional[_Union[FallbackRule, str]] = ...) -> None: ...

class Resolution(_message.Message):
    __slots__ = ("index", "ref", "factor_key", "factor_activity", "factor_value", "factor_unit", "conversion_multiplier", "conversion_source", "kgco2e_per_unit", "kgco2e", "scope", "boundary", "valid_from", "valid_to", "uncertainty_pct", "source", "flag", "fallback", "fallback_reason", "set_name", "set_version", "date", "date_to")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    FACTOR_KEY_FIELD_NUMBER: _ClassVar[int]
    FACTOR_ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    FACTOR_VALUE_FIELD_NUMBER: _ClassVar[int]
    FACTOR_UNIT_FIELD_NUMBER: _ClassVar[int]
    CONVERSION_MULTIPLIER_FIELD_NUMBER: _ClassVar[int]
    CONVERSION_SOURCE_FIELD_NUMBER: _ClassVar[int]
    KGCO2E_PER_UNIT_FIELD_NUMBER: _ClassVar[int]
    KGCO2E_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    BOUNDARY_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_TO_FIELD_NUMBER: _ClassVar[int]
    UNCERTAINTY_PCT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    FLAG_FIELD_NUMBER: _ClassVar[int]
    FALLBACK_FIELD_NUMBER: _ClassVar[int]
    FALLBACK_REASON_FIELD_NUMBER: _ClassVar[int]
    SET_NAME_FIELD_NUMBER: _ClassVar[int]
    SET_VERSION_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    DATE_TO_FIELD_NUMBER: _ClassVar[int]
    index: int
    ref: str
    factor_key: str
    factor_activity: str
    factor_value: float
    factor_unit: str
    conversion_multiplier: float
    conversion_source: str
    kgco2e_per_unit: float
    kgco2e: float
    scope: str
    boundary: str
    valid_from: str
    valid_to: str
    uncertainty_pct: float
    source: str
    flag: str
    fallback: bool
    fallback_reason: str
    set_name: str
    set_version: str
    date: str
    date_to: str
    def __init__(self, index: _Optional[int] = ..., ref: _Optional[str] = ..., factor_key: _Optional[str] = ..., factor_activity: _Optional[str] = ..., factor_value: _Optional[float] = ..., factor_unit: _Optional[str] = ..., conversion_multiplier: _Optional[float] = ..., conversion_source: _Optional[str] = ..., kgco2e_per_unit: _Optional[float] = ..., kgco2e: _Optional[float] = ..., scope: _Optional[str] = ..., boundary: _Optional[str] = ..., valid_from: _Optional[str] = ..., valid_to: _Optional[str] = ..., uncertainty_pct: _Optional[float] = ..., source: _Optional[str] = ..., flag: _Optional[str] = ..., fallback: _Optional[bool] = ..., fallback_reason: _Optional[str] = ..., set_name: _Optional[str] = ..., set_version: _Optional[str] = ..., date: _Optional[str] = ..., date_to: _Optional[str] = ...) -> None: ...

class Unresolved(_message.Message):
    __slots__ = ("index", "ref", "reason", "boundary")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    BOUNDARY_FIELD_NUMBER: _ClassVar[int]
    index: int
    ref: str
    reason: str
    boundary: str
    def __init__(self, index: _Optional[int] = ..., ref: _Optional[str] = ..., reason: _Optional[str] = ..., boundary: _Optional[str] = ...) -> None: ...

class ResolveResponse(_message.Message):
    __slots__ = ("version", "resolutions", "unresolved")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    RESOLUTIONS_FIELD_NUMBER: _ClassVar[int]
    UNRESOLVED_FIELD_NUMBER: _ClassVar[int]
    version: SetVersion
    resolutions: _containers.RepeatedCompositeFieldContainer[Resolution]
    unresolved: _containers.RepeatedCompositeFieldContainer[Unresolved]
    def __init__(self, version: _Optional[_Union[SetVersion, _Mapping]] = ..., resolutions: _Optional[_Iterable[_Union[Resolution, _Mapping]]] = ..., unresolved: _Optional[_Iterable[_Union[Unresolved, _Mapping]]] = ...) -> None: ...

class DiffRequest(_message.Message):
    __slots__ = ("old_name", "old_version", "new_name", "new_version")
    OLD_NAME_FIELD_NUMBER: _ClassVar[int]
    OLD_VERSION_FIELD_NUMBER: _ClassVar[int]
    NEW_NAME_FIELD_NUMBER: _ClassVar[int]
    NEW_VERSION_FIELD_NUMBER: _ClassVar[int]
    old_name: str
    old_version: str
    new_name: str
    new_version: str
    def __init__(self, old_name: _Optional[str] = ..., old_version: _Optional[str] = ..., new_name: _Optional[str] = ..., new_version: _Optional[str] = ...) -> None: ...

class FieldChange(_message.Message):
    __slots__ = ("key", "valid_from", "field", "old_value", "new_value")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    OLD_VALUE_FIELD_NUMBER: _ClassVar[int]
    NEW_VALUE_FIELD_NUMBER: _ClassVar[int]
    key: str
    valid_from: str
    field: str
    old_value: str
    new_value: str
    def __init__(self, key: _Optional[str] = ..., valid_from: _Optional[str] = ..., field: _Optional[str] = ..., old_value: _Optional[str] = ..., new_value: _Optional[str] = ...) -> None: ...

class DiffResponse(_message.Message):
    __slots__ = ("old", "new", "added", "removed", "changed", "metadata_changed", "identical", "added_count", "removed_count", "changed_count", "truncated")
    OLD_FIELD_NUMBER: _ClassVar[int]
    NEW_FIELD_NUMBER: _ClassVar[int]
    ADDED_FIELD_NUMBER: _ClassVar[int]
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    METADATA_CHANGED_FIELD_NUMBER: _ClassVar[int]
    IDENTICAL_FIELD_NUMBER: _ClassVar[int]
    ADDED_COUNT_FIELD_NUMBER: _ClassVar[int]
    REMOVED_COUNT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_COUNT_FIELD_NUMBER: _ClassVar[int]
    TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    old: SetVersion
    new: SetVersion
    added: _containers.RepeatedCompositeFieldContainer[Factor]
    removed: _containers.RepeatedCompositeFieldContainer[Factor]
    changed: _containers.RepeatedCompositeFieldContainer[FieldChange]
    metadata_changed: _containers.RepeatedCompositeFieldContainer[FieldChange]
    identical: bool
    added_count: int
    removed_count: int
    changed_count: int
    truncated: bool
    def __init__(self, old: _Optional[_Union[SetVersion, _Mapping]] = ..., new: _Optional[_Union[SetVersion, _Mapping]] = ..., added: _Optional[_Iterable[_Union[Factor, _Mapping]]] = ..., removed: _Optional[_Iterable[_Union[Factor, _Mapping]]] = ..., changed: _Optional[_Iterable[_Union[FieldChange, _Mapping]]] = ..., metadata_changed: _Optional[_Iterable[_Union[FieldChange, _Mapping]]] = ..., identical: _Optional[bool] = ..., added_count: _Optional[int] = ..., removed_count: _Optional[int] = ..., changed_count: _Optional[int] = ..., truncated: _Optional[bool] = ...) -> None: ...

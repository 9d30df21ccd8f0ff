import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ExportForm(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXPORT_FORM_UNSPECIFIED: _ClassVar[ExportForm]
    EXPORT_FORM_RECORDS: _ClassVar[ExportForm]
    EXPORT_FORM_ARROW_IPC: _ClassVar[ExportForm]
EXPORT_FORM_UNSPECIFIED: ExportForm
EXPORT_FORM_RECORDS: ExportForm
EXPORT_FORM_ARROW_IPC: ExportForm

class Period(_message.Message):
    __slots__ = ("start", "end")
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    start: _timestamp_pb2.Timestamp
    end: _timestamp_pb2.Timestamp
    def __init__(self, start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RecordIssue(_message.Message):
    __slots__ = ("index", "rule", "field", "reason", "record_key")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RECORD_KEY_FIELD_NUMBER: _ClassVar[int]
    index: int
    rule: str
    field: str
    reason: str
    record_key: str
    def __init__(self, index: _Optional[int] = ..., rule: _Optional[str] = ..., field: _Optional[str] = ..., reason: _Optional[str] = ..., record_key: _Optional[str] = ...) -> None: ...

class PageRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ImportSummary(_message.Message):
    __slots__ = ("upserted", "rejected", "rejected_total")
    class UpsertedEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    UPSERTED_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    REJECTED_TOTAL_FIELD_NUMBER: _ClassVar[int]
    upserted: _containers.ScalarMap[str, int]
    rejected: _containers.RepeatedCompositeFieldContainer[RecordIssue]
    rejected_total: int
    def __init__(self, upserted: _Optional[_Mapping[str, int]] = ..., rejected: _Optional[_Iterable[_Union[RecordIssue, _Mapping]]] = ..., rejected_total: _Optional[int] = ...) -> None: ...

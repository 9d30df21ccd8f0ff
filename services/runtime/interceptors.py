"""Server interceptors: access log, authentication and role check, stream limits, error mapping.

Each wraps the method handler's behaviour, so that its work runs in the worker thread of the
call (``intercept_service`` itself runs on grpc's own thread, which serves every call: nothing
there may wait on I/O), and the principal set there is the one the servicer sees. The public
methods (health, reflection) are left as grpc built them.
"""

import logging
import sqlite3
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any

import adbc_driver_manager
import grpc
import psycopg
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status
from polars.exceptions import PanicException

from services.runtime import errors
from services.runtime.db import is_unreachable
from services.runtime.principal import EMBEDDED, Principal, Role, current_principal, set_current_principal
from services.runtime.tokens import TokenStore

log = logging.getLogger("quitus.grpc")

# One table from domain exceptions to gRPC codes; the first base found in the MRO wins.
STATUS_OF: dict[type[errors.QuitusError], grpc.StatusCode] = {
    errors.InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    errors.NotFound: grpc.StatusCode.NOT_FOUND,
    errors.AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    errors.FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    errors.PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
    errors.Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    errors.ResourceExhausted: grpc.StatusCode.RESOURCE_EXHAUSTED,
    errors.Unavailable: grpc.StatusCode.UNAVAILABLE,
}

# PostgreSQL's query_canceled, as statement_timeout raises it
_STATEMENT_TIMEOUT = "57014"

# Methods anyone may call: probes and service discovery.
PUBLIC_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")

Behaviour = Callable[..., Any]

# A panic inside polars (e.g. an out-of-range datetime) is raised as a BaseException, which an
# ``except Exception`` lets through: the call would end without a status and its thread with it.

# Who made the call being served, for its access-log line: the access log (outermost) puts a
# fresh holder here as the call starts, the authentication interceptor fills it in.
_caller: ContextVar[list[Principal | None]] = ContextVar("quitus_caller")


def _no_caller() -> list[Principal | None]:
    return [None]


def _note_caller(principal: Principal) -> None:
    holder = _caller.get(None)
    if holder is not None:
        holder[0] = principal


def status_of(exc: errors.QuitusError) -> grpc.StatusCode:
    for cls in type(exc).__mro__:
        if cls in STATUS_OF:
            return STATUS_OF[cls]
    return grpc.StatusCode.INTERNAL


def _code(context: grpc.ServicerContext) -> grpc.StatusCode | None:
    """The status already set on the call, if any (the server context has ``code()``; the stubs
    of grpc's abstract ServicerContext lack it)."""
    code: grpc.StatusCode | None = context.code()  # type: ignore[attr-defined]
    return code


def abort_with(context: grpc.ServicerContext, exc: errors.QuitusError) -> None:
    """End the call with ``exc``'s status. The message names the field; an error about a field
    also carries it in the rich error model's details (``google.rpc.Status`` holding a
    ``google.rpc.BadRequest`` field violation), which any gRPC client can read without parsing
    text."""
    code = status_of(exc)
    status = status_pb2.Status(code=code.value[0], message=str(exc))
    if exc.field:
        detail = any_pb2.Any()
        detail.Pack(
            error_details_pb2.BadRequest(
                field_violations=[error_details_pb2.BadRequest.FieldViolation(field=exc.field, description=exc.message)]
            )
        )
        status.details.append(detail)
    context.abort_with_status(rpc_status.to_status(status))


class _Undecodable:
    """Stands for a request message grpc could not parse (e.g. a string field holding invalid
    UTF-8): the error interceptor answers INVALID_ARGUMENT instead of grpc's INTERNAL."""


UNDECODABLE = _Undecodable()


def _guarded(deserializer: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    if deserializer is None:
        return None

    def deserialize(data: bytes) -> Any:
        try:
            return deserializer(data)
        except Exception:
            return UNDECODABLE

    return deserialize


Wrap = Callable[[Behaviour, bool, bool], Behaviour]


def _wrap_handler(handler: grpc.RpcMethodHandler | None, wrap: Wrap, *, guard_decoding: bool = False) -> Any:
    """Rebuild ``handler`` with its behaviour passed through ``wrap(behaviour, streams_in,
    streams_out)``. Only for the services' own methods: grpc's health Watch is non-blocking
    (it holds no thread while open) only as the handler grpc built, so public methods are never
    rebuilt."""
    if handler is None:
        return None
    decode = _guarded(handler.request_deserializer) if guard_decoding else handler.request_deserializer
    encode = handler.response_serializer
    if handler.unary_unary:
        return grpc.unary_unary_rpc_method_handler(wrap(handler.unary_unary, False, False), decode, encode)
    if handler.unary_stream:
        return grpc.unary_stream_rpc_method_handler(wrap(handler.unary_stream, False, True), decode, encode)
    if handler.stream_unary:
        return grpc.stream_unary_rpc_method_handler(wrap(handler.stream_unary, True, False), decode, encode)
    assert handler.stream_stream is not None  # a handler has exactly one of the four behaviours
    return grpc.stream_stream_rpc_method_handler(wrap(handler.stream_stream, True, True), decode, encode)


def _is_public(method: str) -> bool:
    return method.startswith(PUBLIC_PREFIXES)


def _checked_requests(requests: Iterator[Any]) -> Iterator[Any]:
    for request in requests:
        if request is UNDECODABLE:
            raise errors.InvalidArgument(_UNDECODABLE_REASON, field="request")
        yield request


_UNDECODABLE_REASON = "is not a valid protobuf message of this method (a string field holding invalid UTF-8?)"


def abort_unexpected(context: grpc.ServicerContext, exc: BaseException, method: str) -> None:
    """An error that is no QuitusError: UNAVAILABLE when the database cannot be reached (the
    client may retry), INTERNAL otherwise. A database error is logged by its kind, SQLSTATE and
    primary message only: its full text can quote the SQL parameters or, for COPY, a row of the
    caller's data. Any other error is logged by its kind and traceback, without its message. A
    call the client has already cancelled is no error of ours: logged as such, nothing sent."""
    if not context.is_active():
        log.info("call cancelled by the client", extra={"method": method, "error": type(exc).__name__})
        raise exc
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, psycopg.Error | sqlite3.Error | adbc_driver_manager.Error):
        extra = {
            "method": method,
            "error": type(orig).__name__,
            "sqlstate": getattr(orig, "sqlstate", None),
            "detail": _primary_message(orig),
        }
        if is_unreachable(exc):
            log.warning("database unreachable", extra=extra)
            context.abort(grpc.StatusCode.UNAVAILABLE, "the database is unreachable; retry later")
        if extra["sqlstate"] == _STATEMENT_TIMEOUT:
            log.warning("database statement timed out", extra=extra)
            context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "the database work of this call took too long")
        log.error("database error", extra=extra)
    else:
        # where it failed, not what it said: an exception's message may quote the caller's data
        where = "".join(traceback.format_tb(exc.__traceback__))
        log.error("unhandled error", extra={"method": method, "error": type(exc).__name__, "traceback": where})
    context.abort(grpc.StatusCode.INTERNAL, f"internal error in {method}")


def _primary_message(exc: BaseException) -> str | None:
    """A database error's primary message, without the statement or its parameters: psycopg's
    diagnostic, the same field of an ADBC error (runtime.pg_frames), else the first line."""
    diag = getattr(exc, "diag", None)
    if diag is not None:
        return diag.message_primary
    for name, value in getattr(exc, "details", None) or ():
        if name == b"PG_DIAG_MESSAGE_PRIMARY":
            return value.decode(errors="replace")
    return str(exc).split("\n")[0]


class ErrorInterceptor(grpc.ServerInterceptor):
    """Turns a service's QuitusError into its status code and a message naming the field; a
    request grpc could not parse into INVALID_ARGUMENT; an unreachable database into UNAVAILABLE;
    anything else into INTERNAL with the detail kept in the log, not sent to the caller."""

    def intercept_service(self, continuation, handler_call_details):
        method = handler_call_details.method
        handler = continuation(handler_call_details)
        if _is_public(method):
            return handler

        def wrap(behaviour: Behaviour, streams_in: bool, streams_out: bool) -> Behaviour:
            def checked(request: Any) -> Any:
                if streams_in:
                    return _checked_requests(request)
                if request is UNDECODABLE:
                    raise errors.InvalidArgument(_UNDECODABLE_REASON, field="request")
                return request

            if streams_out:

                def streaming(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
                    try:
                        yield from behaviour(checked(request), context)
                    except errors.QuitusError as exc:
                        abort_with(context, exc)
                    except (Exception, PanicException) as exc:
                        if _code(context) is not None:  # already aborted by the servicer
                            raise
                        abort_unexpected(context, exc, method)

                return streaming

            def unary(request: Any, context: grpc.ServicerContext) -> Any:
                try:
                    return behaviour(checked(request), context)
                except errors.QuitusError as exc:
                    abort_with(context, exc)
                except (Exception, PanicException) as exc:
                    if _code(context) is not None:
                        raise
                    abort_unexpected(context, exc, method)

            return unary

        return _wrap_handler(handler, wrap, guard_decoding=True)


class AuthInterceptor(grpc.ServerInterceptor):
    """Authenticates the bearer token and checks the role against the method's access list.

    ``method_access`` maps full method names (``/pkg.Service/Method``) to the roles allowed;
    a method missing from it is refused (fail closed). With ``token_store=None`` (embedded
    default) every call acts as the embedded admin. The token is looked up in the call's worker
    thread, not in grpc's own (which serves every call of the server while it waits).
    """

    def __init__(self, method_access: Mapping[str, frozenset[Role]], token_store: TokenStore | None) -> None:
        self.method_access = dict(method_access)
        self.token_store = token_store

    def _principal(self, metadata: Any) -> Principal:
        if self.token_store is None:
            return EMBEDDED
        header = dict(metadata or ()).get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise errors.Unauthenticated("missing bearer token (metadata 'authorization: Bearer <token>')")
        principal = self.token_store.lookup(token.strip())
        if principal is None:
            raise errors.Unauthenticated("unknown, revoked or expired token")
        return principal

    def _admit(self, method: str, metadata: Any, context: grpc.ServicerContext) -> Principal:
        """The caller, allowed to call ``method``; otherwise the call is ended with the refusal
        (UNAUTHENTICATED, PERMISSION_DENIED, or UNAVAILABLE when the token store is unreachable)."""
        known: Principal | None = None
        try:
            principal = known = self._principal(metadata)
            allowed = self.method_access.get(method)
            if allowed is None:
                raise errors.PermissionDenied(f"{method} is not open to any role")
            if principal.role not in allowed:
                raise errors.PermissionDenied(f"role {principal} may not call {method}")
            return principal
        except errors.QuitusError as exc:
            if known is not None:
                _note_caller(known)
            abort_with(context, exc)
        except Exception as exc:
            abort_unexpected(context, exc, method)
        raise AssertionError("unreachable: abort raises")

    def intercept_service(self, continuation, handler_call_details):
        method = handler_call_details.method
        handler = continuation(handler_call_details)
        if _is_public(method) or handler is None:
            return handler
        metadata = handler_call_details.invocation_metadata

        def with_principal(behaviour: Behaviour, streams_in: bool, streams_out: bool) -> Behaviour:
            if streams_out:

                def streaming(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
                    principal = self._admit(method, metadata, context)
                    set_current_principal(principal)
                    _note_caller(principal)
                    try:
                        yield from behaviour(request, context)
                    finally:
                        set_current_principal(None)

                return streaming

            def unary(request: Any, context: grpc.ServicerContext) -> Any:
                principal = self._admit(method, metadata, context)
                set_current_principal(principal)
                _note_caller(principal)
                try:
                    return behaviour(request, context)
                finally:
                    set_current_principal(None)

            return unary

        return _wrap_handler(handler, with_principal)


class StreamLimitInterceptor(grpc.ServerInterceptor):
    """A streaming call (an ingest, an import, an export read slowly) holds a server thread for as
    long as its client keeps it open, sending or reading or not. At most ``per_caller`` such calls
    run at once per caller (its role and contractor, whatever token it uses) and ``total`` in all,
    so that the threads beyond ``total`` always remain for health checks and unary calls; a stream
    beyond either bound is refused at once with RESOURCE_EXHAUSTED (retry when one of yours has
    ended). Sits inside the authentication interceptor, which names the caller."""

    def __init__(self, total: int, per_caller: int) -> None:
        self.total, self.per_caller = total, per_caller
        self._open: dict[str, int] = {}
        self._lock = threading.Lock()

    def _take(self, caller: str) -> None:
        with self._lock:
            if self._open.get(caller, 0) >= self.per_caller:
                raise errors.ResourceExhausted(
                    f"{caller} already has {self.per_caller} streams open on this server; end one first"
                )
            if sum(self._open.values()) >= self.total:
                raise errors.ResourceExhausted(f"this server already serves {self.total} streams; retry shortly")
            self._open[caller] = self._open.get(caller, 0) + 1

    def _give_back(self, caller: str) -> None:
        with self._lock:
            self._open[caller] -= 1
            if not self._open[caller]:
                del self._open[caller]

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        streaming_call = handler is not None and (handler.request_streaming or handler.response_streaming)
        if _is_public(handler_call_details.method) or not streaming_call:
            return handler

        def wrap(behaviour: Behaviour, streams_in: bool, streams_out: bool) -> Behaviour:
            def caller() -> str:
                return str(current_principal())

            if streams_out:

                def streaming(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
                    who = caller()
                    try:
                        self._take(who)
                    except errors.QuitusError as exc:
                        abort_with(context, exc)
                    try:
                        yield from behaviour(request, context)
                    finally:
                        self._give_back(who)

                return streaming

            def unary(request: Any, context: grpc.ServicerContext) -> Any:
                who = caller()
                try:
                    self._take(who)
                except errors.QuitusError as exc:
                    abort_with(context, exc)
                try:
                    return behaviour(request, context)
                finally:
                    self._give_back(who)

            return unary

        return _wrap_handler(handler, wrap)


class AccessLogInterceptor(grpc.ServerInterceptor):
    """One JSON log line per call: who called (role and token label, never the token), the
    method, the status and the milliseconds it took."""

    def intercept_service(self, continuation, handler_call_details):
        method = handler_call_details.method
        handler = continuation(handler_call_details)
        if _is_public(method):
            return handler

        def wrap(behaviour: Behaviour, streams_in: bool, streams_out: bool) -> Behaviour:
            def record(context: grpc.ServicerContext, started: float, caller: list[Principal | None]) -> None:
                code = _code(context) or grpc.StatusCode.OK
                principal = caller[0]
                log.info(
                    "call",
                    extra={
                        "principal": str(principal) if principal else "unauthenticated",
                        "label": principal.label if principal else "",
                        "method": method,
                        "code": getattr(code, "name", str(code)),
                        "ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )

            if streams_out:

                def streaming(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
                    started, caller = time.perf_counter(), _no_caller()
                    _caller.set(caller)
                    try:
                        yield from behaviour(request, context)
                    finally:
                        record(context, started, caller)

                return streaming

            def unary(request: Any, context: grpc.ServicerContext) -> Any:
                started, caller = time.perf_counter(), _no_caller()
                _caller.set(caller)
                try:
                    return behaviour(request, context)
                finally:
                    record(context, started, caller)

            return unary

        return _wrap_handler(handler, wrap)

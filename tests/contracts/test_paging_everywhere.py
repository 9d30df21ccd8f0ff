"""Every paged RPC of every service refuses a bad page the same way: INVALID_ARGUMENT, the field
named in the message and in a google.rpc.BadRequest field violation of the rich error details.

The paged RPCs are found from the contracts (any request with a quitus.common.v1.PageRequest
field), so a new one is covered without editing this file.
"""

import importlib
import pkgutil

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

import services.api.quitus as api
from services.api.quitus.common.v1.common_pb2 import PageRequest
from services.runtime.paging import encode_token
from services.runtime.settings import Settings

PAGE = PageRequest.DESCRIPTOR.full_name


def _paged_methods() -> list[tuple[str, str, str, str]]:
    """(service package, service name, method, page field) for every paged RPC of the contracts."""
    found = []
    for module in pkgutil.walk_packages(api.__path__, api.__name__ + "."):
        if not module.name.endswith("_pb2"):
            continue
        descriptor = importlib.import_module(module.name).DESCRIPTOR
        for service in descriptor.services_by_name.values():
            for method in service.methods:
                for field in method.input_type.fields:
                    if field.message_type is not None and field.message_type.full_name == PAGE:
                        found.append((module.name, service.name, method.name, field.name))
    return sorted(found)


PAGED = _paged_methods()


def test_every_service_with_lists_is_covered():
    services_with_pages = {package.split(".")[3] for package, *_ in PAGED}
    assert {"interventions", "consumption"} <= services_with_pages


@pytest.fixture(scope="module")
def channels(tmp_path_factory):
    """Each service with a paged RPC, started once on one SQLite file, authentication off."""
    url = f"sqlite:///{tmp_path_factory.mktemp('paging') / 'quitus.db'}"
    started = {}
    for package, *_ in PAGED:
        service = package.split(".")[3]
        if service in started:
            continue
        build = importlib.import_module(f"services.{service}.server").build
        server, port = build(Settings(database_url=url, auth_enabled=False), port=0, schema_prefix="")
        server.start()
        started[service] = (server, grpc.insecure_channel(f"localhost:{port}"))
    yield {name: channel for name, (_, channel) in started.items()}
    for server, channel in started.values():
        channel.close()
        server.stop(0)


def _call(channels, package, service_name, method, request):
    grpc_module = importlib.import_module(package + "_grpc")
    stub = getattr(grpc_module, f"{service_name}Stub")(channels[package.split(".")[3]])
    return getattr(stub, method)(request, timeout=10)


def _violations(error: grpc.RpcError) -> list[str]:
    status = rpc_status.from_call(error)
    assert status is not None, "no rich error details"
    fields = []
    for detail in status.details:
        bad_request = error_details_pb2.BadRequest()
        if detail.Unpack(bad_request):
            fields += [v.field for v in bad_request.field_violations]
    return fields


BAD_PAGES = {
    "negative size": (PageRequest(page_size=-5), "page_size"),
    "token from nowhere": (PageRequest(page_token="not-a-token"), "page_token"),
    "token of a number": (PageRequest(page_token="12"), "page_token"),
    "token key of 5,000 digits": (PageRequest(page_token=encode_token("9" * 5000)), "page_token"),
    "token key with a NUL": (PageRequest(page_token=encode_token("T\x00")), "page_token"),
}
# Well-formed tokens whose key no service gives (a review found them answering INTERNAL): a list
# keyed by a sequence refuses them; a list keyed by text ids may take them as a place to start.
ODD_KEYS = {"superscript two": "²", "30 digits": "9" * 30, "text": "abc"}


@pytest.mark.parametrize("bad", BAD_PAGES, ids=list(BAD_PAGES))
@pytest.mark.parametrize(
    ("package", "service_name", "method", "page_field"), PAGED, ids=[f"{p[1]}.{p[2]}" for p in PAGED]
)
def test_a_bad_page_is_refused_alike(channels, package, service_name, method, page_field, bad):
    page, wrong = BAD_PAGES[bad]
    request_class = getattr(importlib.import_module(package), f"{method}Request")
    with pytest.raises(grpc.RpcError) as refused:
        _call(channels, package, service_name, method, request_class(**{page_field: page}))
    field = f"{page_field}.{wrong}"
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in refused.value.details()
    assert _violations(refused.value) == [field]


@pytest.mark.parametrize(
    ("package", "service_name", "method", "page_field"), PAGED, ids=[f"{p[1]}.{p[2]}" for p in PAGED]
)
def test_a_good_token_of_an_empty_list_gives_an_empty_page(channels, package, service_name, method, page_field):
    request_class = getattr(importlib.import_module(package), f"{method}Request")
    token = encode_token(10**9) if method != "SearchInterventions" else encode_token("zzz")
    reply = _call(channels, package, service_name, method, request_class(**{page_field: PageRequest(page_token=token)}))
    assert reply.next_page_token == ""


@pytest.mark.parametrize("key", ODD_KEYS, ids=list(ODD_KEYS))
@pytest.mark.parametrize(
    ("package", "service_name", "method", "page_field"), PAGED, ids=[f"{p[1]}.{p[2]}" for p in PAGED]
)
def test_a_token_with_an_odd_key_is_refused_or_served_never_internal(
    channels, package, service_name, method, page_field, key
):
    request_class = getattr(importlib.import_module(package), f"{method}Request")
    request = request_class(**{page_field: PageRequest(page_token=encode_token(ODD_KEYS[key]))})
    try:
        _call(channels, package, service_name, method, request)
    except grpc.RpcError as refused:
        assert refused.code() == grpc.StatusCode.INVALID_ARGUMENT, refused.details()
        assert _violations(refused) == [f"{page_field}.page_token"]

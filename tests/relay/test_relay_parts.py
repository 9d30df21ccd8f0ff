"""The relay's small parts: its back-off, the broker URL, and the outboxes it reads being the
tables the services write (the relay imports no service: the names are a contract)."""

import pytest

from services.consumption import models as consumption_models
from services.interventions import models as interventions_models
from services.relay.backoff import Backoff
from services.relay.outboxes import SOURCES
from services.relay.publisher import BrokerAddress


def test_the_back_off_doubles_up_to_its_ceiling_jittered_in_its_upper_half():
    """First 0.5 s, ceiling 4 s: ceilings 0.5, 1, 2, 4, 4; with the jitter at its lowest the
    waits are half of them (0.25, 0.5, 1, 2, 2), at its highest all of them; after a success the
    doubling starts again."""
    low = Backoff(first_s=0.5, max_s=4.0, rand=lambda: 0.0)
    assert [low.next_delay() for _ in range(5)] == [0.25, 0.5, 1.0, 2.0, 2.0]
    high = Backoff(first_s=0.5, max_s=4.0, rand=lambda: 1.0)
    assert [high.next_delay() for _ in range(5)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    high.reset()
    assert high.next_delay() == 0.5


@pytest.mark.parametrize(
    "url, expected",
    [
        ("amqp://guest:guest@127.0.0.1:5672/", ("127.0.0.1", 5672, "guest", "guest", "/")),
        ("amqp://relay:s%40cret@rabbit/quitus", ("rabbit", 5672, "relay", "s@cret", "quitus")),
        ("amqp://u:p@rabbit:5673/%2F", ("rabbit", 5673, "u", "p", "/")),
    ],
)
def test_a_broker_url_gives_host_port_credentials_and_virtual_host(url, expected):
    a = BrokerAddress.parse(url)
    assert (a.host, a.port, a.userid, a.password, a.virtual_host) == expected


def test_a_broker_address_is_shown_without_its_password():
    assert str(BrokerAddress.parse("amqp://relay:s%40cret@rabbit/quitus")) == "amqp://relay@rabbit:5672/quitus"


@pytest.mark.parametrize("url", ["http://rabbit:5672/", "amqp:///", "rabbit:5672"])
def test_a_url_that_is_not_amqp_is_refused_without_echoing_a_password(url):
    with pytest.raises(ValueError, match="not an amqp://"):
        BrokerAddress.parse(url)


def test_the_relay_reads_the_tables_the_services_write():
    assert SOURCES["interventions"].table == interventions_models.outbox.name
    assert SOURCES["consumption"].table == consumption_models.outbox.name
    assert {s.schema for s in SOURCES.values()} == {"interventions", "consumption"}

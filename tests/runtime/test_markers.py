"""Tests carry the marker of the servers they need, from their fixtures (tests/conftest.py)."""


def test_the_postgres_case_of_database_is_marked(database, request):
    url, _ = database
    marked = request.node.get_closest_marker("postgres") is not None
    assert marked == url.startswith("postgresql")


def test_amqp_url_marks_rabbitmq(amqp_url, request):
    assert request.node.get_closest_marker("rabbitmq") is not None
    assert request.node.get_closest_marker("postgres") is None

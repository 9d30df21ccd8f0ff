"""The content fingerprint of an event is stored, and a re-send is compared with it, possibly
years later: it must not change from one version of Quitus to the next."""

from hashlib import blake2b

from services.interventions.domain.events import batch_frame, events_columns


def test_fingerprint_is_blake2b_of_the_content_fields_joined_by_unit_separators():
    record = {
        "contractor_id": "C1",
        "external_ref": "T-1",
        "sequence": 4,
        "kind": "RESOLVED",
        "event_us": 1_772_442_000_000_000,
        "recorded_us": 1_772_442_060_000_000,
        "cost_eur": 90.5,
        "description": "Fuite réparée",
        "note": "clé chez la gardienne",
    }
    # Written out by hand in events.CONTENT_COLUMNS order; recorded_us is left out, empty fields
    # are empty strings, the cost is printed as polars prints a float.
    content = "\x1f".join(
        [
            "C1",
            "T-1",
            "4",
            "RESOLVED",
            "1772442000000000",
            "",
            "",
            "",
            "",
            "",
            "",
            "Fuite réparée",
            "0",
            "",
            "",
            "90.5",
            "clé chez la gardienne",
        ]
    )
    expected = blake2b(content.encode(), digest_size=16).hexdigest()
    frame = batch_frame(events_columns([record]))
    assert frame["fingerprint"].to_list() == [expected]
    later = dict(record, recorded_us=1_772_500_000_000_000)  # a re-send, recorded later
    assert batch_frame(events_columns([later]))["fingerprint"].to_list() == [expected]

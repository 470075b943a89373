"""The hashed form of an event survives PostgreSQL: what is hashed at write time is what the
verifier recomputes from the row jsonb gives back, for every kind of value the writer takes."""

import hashlib
import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.hashing import canonical_bytes, compute_hash, event_fields
from audit.models import HASH_FORMAT_JCS, HASH_FORMAT_LEGACY, AuditEvent
from audit.offline.verify_export import event_bytes, jcs
from audit.verify import verify_chains
from audit.writer import audit_record

# Each value the writer accepts (everything DjangoJSONEncoder writes), with the awkward ones jsonb
# changes on the way: 1e16 comes back as the integer 10000000000000000.
EVERY_KIND = {
    "integral float beyond 2**53": 1e16,
    "integral float": 90.0,
    "float": 0.1,
    "tiny float": 1.5e-7,
    "huge float": 1.7976931348623157e308,
    "negative zero": -0.0,
    "not a number": float("nan"),
    "infinity": float("-inf"),
    "integer beyond 2**53": 2**70,
    "largest exact integer": 2**53 - 1,
    "negative integer": -42,
    "decimal": Decimal("1E+2"),
    "money": Decimal("120000.00"),
    "true": True,
    "null": None,
    "date": date(2026, 12, 3),
    "datetime": datetime(2026, 12, 3, 10, 0, 0, 123456, tzinfo=UTC),
    "time": time(9, 30),
    "duration": timedelta(days=1, seconds=5),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "tuple": (1, "two", 3.5),
    "nested": {"список": [1, 2.5, None, True, {"deeper": [[]]}]},
    "key outside the BMP 😀": "sorted by UTF-16 code units",
    "\ufb01 before the emoji key in code points, after it in UTF-16": 1,
    "line and paragraph separators": "a\u2028b\u2029c",
    "control characters": "tab\there\x01\x1f and a NUL \x00 jsonb refuses",
    "quotes and backslashes": 'say "\\n"',
}


@pytest.mark.django_db
def test_every_kind_of_value_hashes_the_same_after_the_postgresql_round_trip(org, admin):
    written = audit_record(
        actor=admin, action="organization.renamed", target=org, data=dict(EVERY_KIND)
    )
    stored = AuditEvent.objects.get(pk=written.pk)
    assert stored.hash_format == HASH_FORMAT_JCS
    assert stored.data == written.data  # what was hashed is exactly what came back
    assert compute_hash(stored) == stored.hash
    [report] = [r for r in verify_chains() if r.chain == str(org.pk)]
    assert report.ok, report.reason


@pytest.mark.django_db
def test_numbers_are_kept_as_jsonb_gives_them_back(org, admin):
    event = audit_record(
        actor=admin,
        action="organization.renamed",
        target=org,
        data={"a": 1e16, "b": 2**70, "c": 90.0, "d": float("nan"), "e": "x\x00y"},
    )
    assert event.data == {
        "a": "10000000000000000",
        "b": "1180591620717411303424",
        "c": 90,
        "d": "nan",
        "e": "x\ufffdy",
    }


@pytest.mark.django_db
def test_events_written_in_the_first_form_still_verify(org, admin):
    """Chains begun before RFC 8785 keep their hashes: the verifier reads each event's format."""
    first = audit_record(actor=admin, action="organization.renamed", target=org, data={"n": 1})
    legacy = AuditEvent(
        chain=first.chain,
        sequence=first.sequence + 1,
        organization=org,
        actor=admin,
        action="organization.renamed",
        target_type=first.target_type,
        target_id=first.target_id,
        data={"n": 2, "ratio": 0.5},
        prev_hash=first.hash,
        hash_format=HASH_FORMAT_LEGACY,
    )
    legacy.hash = compute_hash(legacy)
    legacy.save(force_insert=True)
    audit_record(actor=admin, action="organization.renamed", target=org, data={"n": 3})

    fields = event_fields(legacy)
    assert "hash_format" not in fields  # the first form covered no such field
    assert (
        legacy.hash
        == hashlib.sha256(
            json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        ).hexdigest()
    )
    [report] = [r for r in verify_chains() if r.chain == str(org.pk)]
    assert report.ok, report.reason


@pytest.mark.django_db
def test_the_new_form_is_rfc_8785_and_names_itself(org, admin):
    event = audit_record(actor=admin, action="organization.renamed", target=org, data={"x": 1e16})
    fields = event_fields(event)
    assert fields["hash_format"] == HASH_FORMAT_JCS
    assert canonical_bytes(fields) == rfc8785.dumps(fields)
    # The export's stand-alone verifier computes the same bytes from the exported line.
    exported = json.loads(json.dumps(fields))
    assert event_bytes(exported) == rfc8785.dumps(fields)
    assert hashlib.sha256(event_bytes(exported)).hexdigest() == event.hash


# Any text but lone surrogates, which UTF-8 (and so no JSON document) can hold.
json_text = st.text(st.characters(exclude_categories=["Cs"]))
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | json_text,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(st.characters(exclude_categories=["Cs"]), max_size=6), children, max_size=4
        )
    ),
    max_leaves=20,
)


@settings(max_examples=600, deadline=None)
@given(json_values)
def test_the_offline_verifier_canonicalises_exactly_as_the_rfc8785_package(value):
    assert jcs(value).encode("utf-8") == rfc8785.dumps(value)


@pytest.mark.parametrize(
    "number",
    [1e21, 1e-7, 1e-6, 123456789012345680000.0, 5e-324, 0.00001, 1.5e300, -2.5e-10, 100.0, 1e20],
)
def test_the_offline_verifier_writes_boundary_numbers_as_ecmascript_does(number):
    assert jcs(number).encode() == rfc8785.dumps(number)


@settings(max_examples=600, deadline=None)
@given(json_values)
def test_the_hashed_form_is_rfc8785_whichever_encoder_writes_it(value):
    """canonical_bytes takes the C encoder when it gives the same bytes, the package else."""
    assert canonical_bytes({"data": value}) == rfc8785.dumps({"data": value})


@pytest.mark.parametrize(
    "value",
    [
        {"😀 outside the BMP": 1, "\ufb01": 2},  # UTF-16 order differs from code points
        {"ratio": 0.5},
        {"big": 1e16},
        {"text": 'tab\t, NUL-free controls \x01\x1f, quotes " and \\ and \u2028'},
        {"nested": [{"b": 1, "a": [True, None, "x"]}]},
    ],
)
def test_the_hashed_form_of_the_awkward_cases(value):
    assert canonical_bytes(value) == rfc8785.dumps(value)

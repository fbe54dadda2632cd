# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tests of the fast paths of quality_traceability/tools/epcis.py: stable
identifiers and event times give what the standard library's plain forms give
(:func:`uuid.uuid5` and ``strftime`` with the offset in whole minutes)."""

import datetime
import uuid
import zoneinfo

import pytest
from conftest import load_tools_module

SCOPE = "6f1b9e0e-5f39-4e8b-9a4c-000000000001"


epcis = load_tools_module("epcis")


def _plain_stable_uri(scope, *parts):
    text = "/".join(
        str(part).replace("%", "%25").replace("/", "%2F") for part in (scope, *parts)
    )
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'epcis:' + text)}"


def _plain_event_time(moment, tz=None):
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    local = moment.astimezone(tz or datetime.UTC)
    minutes = int(local.utcoffset().total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    offset = f"{sign}{hours:02d}:{minutes:02d}"
    text = local.strftime("%Y-%m-%dT%H:%M:%S") + f".{local.microsecond // 1000:03d}"
    return text + offset, offset


@pytest.mark.parametrize(
    "parts",
    [
        ("stock.location", 8),
        ("event", "delivery", "stock.picking", 1234, 5678),
        ("bt", "po", "PO 0001/A"),
        ("a/b", "c%2F", "数量"),
        ("event", "traceability.hold", 7, "released"),
    ],
)
def test_stable_uri_is_uuid5(parts):
    assert epcis.stable_uri(SCOPE, *parts) == _plain_stable_uri(SCOPE, *parts)
    assert epcis.event_id(SCOPE, *parts) == _plain_stable_uri(SCOPE, "event", *parts)
    assert uuid.UUID(epcis.stable_uri(SCOPE, *parts)[9:]).version == 5


def test_stable_uri_needs_parts():
    with pytest.raises(epcis.EPCISError):
        epcis.stable_uri(SCOPE)


@pytest.mark.parametrize(
    "zone",
    [
        None,
        "UTC",
        "Asia/Shanghai",
        "America/New_York",
        "Asia/Kolkata",
        "Asia/Kathmandu",
        "America/St_Johns",
        "Pacific/Chatham",
        "Europe/Amsterdam",
    ],
)
@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2024, 3, 1, 8, 30),
        datetime.datetime(2024, 7, 1, 23, 59, 59, 999999),
        datetime.datetime(2024, 3, 10, 6, 59, 59, 1500),
        datetime.datetime(1900, 1, 1, 0, 0),
        datetime.datetime(1890, 6, 1, 12, 0, 0, 123456),
        datetime.datetime(999, 12, 31, 12, 0),
        datetime.datetime(
            2024,
            3,
            1,
            8,
            30,
            tzinfo=datetime.timezone(datetime.timedelta(hours=-3, minutes=-30)),
        ),
    ],
)
def test_event_time_as_strftime(moment, zone):
    tz = zone and zoneinfo.ZoneInfo(zone)
    assert epcis.event_time(moment, tz) == _plain_event_time(moment, tz)

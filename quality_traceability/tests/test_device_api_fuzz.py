# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Property-based tests of the device API: generated JSON through the real
HTTP route. Whatever arrives, the answer is 200 with a result per item or a
4xx for the whole request, never a 5xx; the valid items of a batch are stored
once, also when the batch is sent again."""

import base64
import io
import itertools
import json
from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, WebPImagePlugin  # noqa: F401 -- Odoo loads no WebP plugin

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

FUZZ_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


class Raw:
    """A JSON token written as is (``1e999``, ``NaN``, deep nesting...)."""

    def __init__(self, token):
        self.token = token

    def __repr__(self):
        return f"Raw({self.token[:40]!r})"


def dump(value):
    """JSON text of ``value``, with :class:`Raw` tokens written as they are."""
    if isinstance(value, Raw):
        return value.token
    if isinstance(value, list):
        return "[" + ",".join(dump(item) for item in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(f"{json.dumps(str(k))}:{dump(v)}" for k, v in value.items())
            + "}"
        )
    # Floats: inf and nan become Infinity and NaN, which Python's JSON reads.
    return json.dumps(value)


def image_b64(fmt, size=(2, 2)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return base64.b64encode(buffer.getvalue()).decode()


PNG = image_b64("PNG")
JPEG = image_b64("JPEG")
WEBP = image_b64("WEBP")
SVG = base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
).decode()
HTML = base64.b64encode(b"<html><script>alert(1)</script></html>").decode()

CHARACTERS = st.characters(codec="utf-8", exclude_characters="\x00")
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=16,
)
junk = st.one_of(
    json_values,
    st.sampled_from(
        [
            Raw("1e999"),
            Raw("-1e999"),
            Raw("NaN"),
            Raw("Infinity"),
            Raw("1E400"),
            Raw("123456789012345678901234567890"),
            Raw('"\\ud800"'),
            Raw('"a\\u0000b"'),
            2**31,
            2**63,
            -1,
            0,
            "",
            " ",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-14:00",
            "2026-13-01T00:00:00",
            "+275760-09-13",
            "https://example.com/trace/AAAAAAAAAAAA",
            "https://example.com/01/06901234560053/10/FUZZ-1",
            "]d2010690123456005310FUZZ-1",
            "(01)06901234560053(10)",
            "\x1d01069012345600531",
            [SVG],
            [HTML],
            [{"name": "evil.svg", "data": SVG}],
            [PNG[:20]],
            ["not base64!"],
            [{"name": ["x"], "data": {"a": 1}}],
        ]
    ),
    st.integers(min_value=1, max_value=300).map(lambda n: Raw("[" * n + "]" * n)),
    st.integers(min_value=1000, max_value=150_000).map(lambda n: "x" * n),
)
FIELDS = [
    "client_uid",
    "code",
    "lot_id",
    "package_id",
    "control_point",
    "values",
    "notes",
    "date",
    "operator",
    "workcenter",
    "production",
    "picking",
    "photos",
]


@st.composite
def valid_item(draw, lot_id, point_id):
    item = {
        "code": "FUZZ-1",
        "control_point": "Fuzz point",
        "values": {
            "Weight": draw(
                st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
                | st.integers(min_value=-(10**6), max_value=10**6)
                | st.decimals(min_value=-1000, max_value=1000, places=3).map(
                    lambda d: str(d).replace(".", ",")
                )
            ),
            "Visual": draw(st.sampled_from(["pass", "PASS", True])),
        },
    }
    if draw(st.booleans()):
        item.pop("code")
        item["lot_id"] = lot_id
    if draw(st.booleans()):
        item["control_point"] = point_id
    if draw(st.booleans()):
        item["values"]["Remark"] = draw(
            st.text(alphabet=CHARACTERS, min_size=1, max_size=200).filter(str.strip)
        )
    if draw(st.booleans()):
        item["notes"] = draw(st.text(alphabet=CHARACTERS, max_size=500))
    if draw(st.booleans()):
        date = draw(
            st.datetimes(
                min_value=datetime(2020, 1, 1), max_value=datetime(2025, 12, 31)
            )
        )
        item["date"] = date.replace(tzinfo=timezone.utc).isoformat()
    if draw(st.booleans()):
        item["photos"] = draw(
            st.lists(
                st.sampled_from([PNG, JPEG, WEBP, {"name": "a.svg", "data": PNG}]),
                max_size=2,
            )
        )
    return item


@st.composite
def broken_item(draw, valid):
    """A valid item with one field (or one value) replaced by junk, or
    junk instead of an item."""
    kind = draw(st.sampled_from(["field", "value", "item"]))
    if kind == "item":
        return draw(junk)
    item = draw(valid)
    if kind == "field":
        item[draw(st.sampled_from(FIELDS))] = draw(junk)
    else:
        item["values"][draw(st.sampled_from(["Weight", "Visual", "Remark"]))] = draw(
            junk
        )
    return item


@tagged("post_install", "-at_install")
class TestDeviceApiFuzz(HttpCase):
    URL = "/traceability/api/v1/scans"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        product = cls.env["product.product"].create(
            {"name": "Fuzz Resin", "is_storable": True, "tracking": "lot"}
        )
        cls.lot = cls.env["stock.lot"].create(
            {"name": "FUZZ-1", "product_id": product.id}
        )
        cls.point = cls.env["traceability.control.point"].create(
            {
                "name": "Fuzz point",
                "spec_ids": [
                    (0, 0, {"name": "Weight", "value_type": "numeric"}),
                    (0, 0, {"name": "Visual", "value_type": "pass_fail"}),
                    (
                        0,
                        0,
                        {"name": "Remark", "value_type": "text", "required": False},
                    ),
                ],
            }
        )
        cls.device_user = new_test_user(
            cls.env,
            "fuzz_device",
            groups="quality_traceability.group_traceability_user",
        )
        expiry = fields.Datetime.now() + timedelta(days=1)
        cls.key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.device_user)
            ._generate(None, "MES", expiry)
        )
        cls.batch_numbers = itertools.count()

    def post(self, data):
        return self.url_open(
            self.URL,
            data=data,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.key}",
            },
        )

    def stored(self, device_id):
        checks = self.env["traceability.check"].search([("device_id", "=", device_id)])
        counts = {}
        for check in checks:
            counts[check.client_uid] = counts.get(check.client_uid, 0) + 1
        return counts

    @FUZZ_SETTINGS
    @given(data=st.data())
    def test_fuzzed_batches(self, data):
        """Valid and broken items mixed: 200, every valid item created once,
        and again on a retry of the whole batch (duplicates)."""
        number = next(self.batch_numbers)
        device_id = f"fuzz-{number}"
        valid = valid_item(self.lot.id, self.point.id)
        kinds = data.draw(st.lists(st.booleans(), min_size=1, max_size=8), "kinds")
        scans = []
        for index, is_valid in enumerate(kinds):
            item = data.draw(valid if is_valid else broken_item(valid), "item")
            if isinstance(item, dict) and "client_uid" not in item:
                prefix = "v" if is_valid else "j"
                item["client_uid"] = f"{prefix}{number}-{index}"
            scans.append(item)
        body = dump({"device_id": device_id, "scans": scans}).encode()
        for attempt in ("first", "retry"):
            response = self.post(body)
            self.assertEqual(response.status_code, 200, (attempt, response.text[:500]))
            results = response.json()["results"]
            self.assertEqual(len(results), len(scans))
            for is_valid, result in zip(kinds, results, strict=True):
                self.assertIn(result["status"], ("created", "duplicate", "error"))
                if is_valid:
                    expected = "created" if attempt == "first" else "duplicate"
                    self.assertEqual(result["status"], expected, result)
        stored = self.stored(device_id)
        for index, is_valid in enumerate(kinds):
            if is_valid:
                self.assertEqual(stored.get(f"v{number}-{index}"), 1)
        self.assertTrue(all(count == 1 for count in stored.values()), stored)
        photos = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "traceability.check"),
                (
                    "res_id",
                    "in",
                    self.env["traceability.check"]
                    .search([("device_id", "=", device_id)])
                    .ids,
                ),
            ]
        )
        self.assertLessEqual(
            set(photos.mapped("mimetype")), {"image/png", "image/jpeg", "image/webp"}
        )

    @FUZZ_SETTINGS
    @given(
        body=st.one_of(
            st.binary(min_size=1, max_size=300),
            json_values.map(lambda value: dump(value).encode()),
            st.builds(
                lambda scans: dump({"scans": scans}).encode(),
                st.lists(junk, max_size=5) | junk,
            ),
            st.builds(
                lambda device_id, scans: dump(
                    {"device_id": device_id, "scans": scans}
                ).encode(),
                junk,
                st.lists(junk, max_size=3),
            ),
            st.integers(min_value=500, max_value=300_000).map(
                lambda n: b'{"scans": [' + b"[" * n + b"]" * n + b"]}"
            ),
        )
    )
    def test_fuzzed_bodies(self, body):
        """Any body: a 200 or a 4xx, never a 5xx."""
        response = self.post(body)
        self.assertIn(response.status_code, (200, 400, 413), response.text[:500])

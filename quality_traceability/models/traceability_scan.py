# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import binascii
import io
import logging
import math
import re
import warnings
from datetime import datetime, timedelta, timezone

# Odoo registers only a few of Pillow's formats (odoo/tools/image.py): WebP
# photos need the WebP plugin.
from PIL import Image, WebPImagePlugin  # noqa: F401
from psycopg2 import IntegrityError

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, formatLang, mute_logger

from ..tools import gs1

_logger = logging.getLogger(__name__)

MAX_BATCH = 1000
# Limits of what a device sends: longer strings, bigger numbers or photos are
# refused item by item (never truncated: a scan is evidence).
MAX_DEVICE_ID = 128
MAX_CLIENT_UID = 128
MAX_CODE = 512
MAX_NAME = 256
MAX_NOTES = 10000
MAX_TEXT_VALUE = 1024
MAX_NUMBER = 1e15
MAX_RECORD_ID = 2**31 - 1
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_PIXELS = 50_000_000
PHOTO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
# The unique index of (company, device, client_uid) (traceability.check.init).
CLIENT_UID_INDEX = "traceability_check_client_uid_uniq"
# Scan dates: from this day to one day ahead of the server's clock.
MIN_SCAN_DATE = datetime(2000, 1, 1)
TRACE_URL = re.compile(r"/trace/([A-Za-z0-9_-]{8,64})/?(?:[?#].*)?$")
# Symbology identifiers announcing GS1 data (tools/gs1.py): "]d8" is a GS1
# DataMatrix of a DMRE size (ISO/IEC 21471), read like "]d2".
GS1_PREFIXES = ("]C1", "]d2", "]d8", "]Q3", "]e0", "]J1", "\x1d")
DMRE_GS1_PREFIX = "]d8"


class ScanError(Exception):
    """A scan that cannot be recorded; its message is shown to the device."""


def storable(text):
    """Whether a string can be stored by PostgreSQL and sent back as UTF-8:
    no NUL character, no lone surrogate (JSON lets ``"\\ud800"`` through)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(value, limit=64):
    """A short, printable form of what a device sent, for error messages."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool) or value is None or isinstance(value, float):
        text = str(value)
    elif isinstance(value, int):
        text = str(value) if abs(value) <= MAX_RECORD_ID else "(number out of range)"
    else:
        return f"({type(value).__name__})"
    text = text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode()
    return text if len(text) <= limit else text[:limit] + "…"


class TraceabilityScan(models.AbstractModel):
    """Records scans of the scanner screen and of the device API as checks.

    :meth:`record_scans` takes a batch of plain dicts (see the README and
    ``static/description/device_api.yaml``), validates each on its own and
    creates the good ones; a ``client_uid`` sent again by the same device is
    stored once, even when two copies of a batch run at the same time (unique
    index ``traceability_check_client_uid_uniq``).
    """

    _name = "traceability.scan"
    _description = "Key Control Point Scan Service"

    # ------------------------------------------------------------------
    # Codes
    # ------------------------------------------------------------------
    @api.model
    def _resolve_code(self, code):
        """The lot or serial number of a scanned code: a lot name, a GS1-128 or
        GS1 DataMatrix element string (parsed with Odoo's GS1 nomenclature), a
        trace code URL or a GS1 Digital Link, among the lots the caller may
        read; or the box or pallet of an SSCC (:meth:`_resolve_sscc`) or of a
        package name. Raises :class:`ScanError`."""
        if code is None or code is False:
            code = ""
        code = self._check_text(code, "code", MAX_CODE).strip()
        if not code:
            raise ScanError(self.env._("Empty code."))
        Lot = self.env["stock.lot"]
        match = TRACE_URL.search(code)
        if match:
            # Found as superuser (public trace codes): kept only when the
            # caller may read the lot.
            lot = Lot.browse(
                Lot._traceability_find_by_code(match.group(1)).ids
            )._filtered_access("read")
            if not lot:
                raise ScanError(self.env._("Unknown trace code: %(code)s", code=code))
            return lot
        package = self._resolve_sscc(code)
        if package:
            return package
        if "/01/" in code:
            try:
                elements = gs1.parse_digital_link(code)
            except gs1.GS1Error as error:
                raise ScanError(
                    self.env._("Malformed GS1 Digital Link: %(error)s", error=error)
                ) from error
            return self._find_gs1_lot(elements, code)
        if (
            code.startswith(GS1_PREFIXES)
            or code.startswith("(01)")
            or (code[:2] == "01" and len(code) > 18 and code[2:16].isdigit())
        ):
            return self._find_gs1_lot(self._parse_gs1(code), code)
        lots = Lot.search([("name", "=", code)], limit=2)
        if not lots:
            package = self.env["stock.quant.package"].search(
                [("name", "=", code)], limit=1
            )
            if package:
                return package
            raise ScanError(
                self.env._("Unknown lot or serial number: %(code)s", code=code)
            )
        if len(lots) > 1:
            raise ScanError(
                self.env._(
                    "%(code)s is the name of lots of several products: scan its "
                    "GS1 code.",
                    code=code,
                )
            )
        return lots

    @api.model
    def _resolve_sscc(self, code):
        """The box or pallet of a scanned SSCC, among the packages the caller
        may read: GS1 data with AI (00) ("(00)...", "00..." with or without a
        symbology identifier), a GS1 Digital Link ".../00/<sscc>" or 18 digits.
        False when the code holds no SSCC, or when 18 digits or raw "00..."
        data name no package (they may be a lot's name); raises
        :class:`ScanError` for any other SSCC of no package the caller may
        read."""
        Package = self.env["stock.quant.package"]
        sscc = Package._traceability_sscc_of_code(code)
        if not sscc:
            return False
        # With the caller's rights: another company's package is unknown here.
        package = Package.search([("traceability_sscc", "=", sscc)], limit=1)
        if package:
            return package
        if code.startswith(("(", *GS1_PREFIXES)) or "/00/" in code:
            raise ScanError(
                self.env._("Unknown box or pallet: SSCC %(sscc)s", sscc=sscc)
            )
        return False

    @api.model
    def _package_quants(self, package):
        """What is in a box or a pallet now: its quants and those of the boxes
        on it, among the packages the caller may read."""
        return package._traceability_descendants()._filtered_access("read").quant_ids

    @api.model
    def _parse_gs1(self, code):
        """The GS1 elements ``{ai: value}`` of an element string, parsed by the
        company's nomenclature when it is a GS1 one, else Odoo's default GS1
        nomenclature."""
        nomenclature = self.env.company.nomenclature_id
        if not nomenclature.is_gs1_nomenclature:
            nomenclature = self.env.ref(
                "barcodes_gs1_nomenclature.default_gs1_nomenclature",
                raise_if_not_found=False,
            )
        raw = re.sub(r"\((\d{2,4})\)", lambda m: m.group(1), code)
        if raw.startswith(DMRE_GS1_PREFIX):
            # Odoo's nomenclature knows "]d2": the same data as "]d8".
            raw = "]d2" + raw[len(DMRE_GS1_PREFIX) :]
        if code.startswith("("):
            # Human-readable form: the brackets tell where variable fields end.
            raw = code.replace("(", "\x1d(").lstrip("\x1d")
            raw = re.sub(r"\((\d{2,4})\)", lambda m: m.group(1), raw)
        try:
            parsed = nomenclature.sudo().gs1_decompose_extanded(raw)
        except (ValidationError, UserError, ValueError):
            parsed = None
        if not parsed:
            raise ScanError(self.env._("Malformed GS1 string: %(code)s", code=code))
        return {item["ai"]: item["value"] for item in parsed}

    @api.model
    def _find_gs1_lot(self, elements, code):
        gtin = elements.get("01")
        ai = "21" if "21" in elements else "10"
        if not gtin or ai not in elements:
            raise ScanError(
                self.env._(
                    "The GS1 code %(code)s has no GTIN (01) with a lot (10) or "
                    "a serial number (21).",
                    code=code,
                )
            )
        gtin14 = str(gtin).zfill(14)
        # With the caller's rights: another company's lot is unknown here.
        lot = self.env["stock.lot"]._traceability_find_by_gs1(
            gtin14, lot_name=elements.get("10"), serial=elements.get("21")
        )
        if not lot:
            raise ScanError(
                self.env._(
                    "Unknown lot or serial number %(lot)s of GTIN %(gtin)s.",
                    lot=elements[ai],
                    gtin=gtin14,
                )
            )
        return lot

    # ------------------------------------------------------------------
    # Scanner screen (static/src/scanner)
    # ------------------------------------------------------------------
    @api.model
    def _check_scanner_user(self):
        """Scans are recorded and looked up by traceability users only."""
        if not self.env.su and not self.env.user.has_group(
            "quality_traceability.group_traceability_user"
        ):
            raise AccessError(
                self.env._("Only traceability users record and look up scans.")
            )

    @api.model
    def scanner_lookup(self, code):
        """The lot of a scanned code and the control points that apply to it,
        or ``{"error": reason}``."""
        self._check_scanner_user()
        try:
            target = self._resolve_code(code)
        except ScanError as error:
            return {"error": str(error)}
        if target._name == "stock.lot":
            products, lots = target.product_id, target
        else:
            quants = self._package_quants(target)
            products, lots = quants.product_id, quants.lot_id
        state = self._lots_state(lots)
        company = self._scan_company(target)
        Point = self.env["traceability.control.point"]
        points = Point.browse()
        for product in products:
            points |= Point._find_applicable(product, company=company)
        return {
            "lot": {
                "id": target.id,
                "package": target._name == "stock.quant.package",
                "name": target.name,
                "product": ", ".join(products.mapped("display_name")),
                "quality_state": state,
                "quality_state_label": self._state_label(state),
            },
            "points": [
                {
                    "id": point.id,
                    "name": point.name,
                    "stage": point.stage,
                    "require_notes": point.require_notes,
                    "require_workcenter": point.require_workcenter,
                    "workcenters": [
                        {"id": workcenter.id, "name": workcenter.display_name}
                        for workcenter in self._point_workcenters(point, company)
                    ],
                    "sampling": self._scanner_sampling(point, target),
                    "specs": [
                        {
                            "id": spec.id,
                            "name": spec.name,
                            "type": spec.value_type,
                            "unit": spec.unit or "",
                            "required": spec.required,
                            "limits": self._spec_limits(spec),
                        }
                        for spec in point.spec_ids
                    ],
                }
                for point in points
            ],
        }

    @api.model
    def _scanner_sampling(self, point, target):
        """What to inspect of a scanned lot at a sampling point (ISO 2859-1):
        its plan now, with the severity's label; False for full inspection."""
        if target._name != "stock.lot":
            return False
        instruction = point._sampling_instruction(target)
        if not instruction:
            return False
        Check = self.env["traceability.check"]
        severities = dict(
            Check._fields["inspection_severity"]._description_selection(self.env)
        )
        return dict(
            instruction, severity_label=severities.get(instruction["severity"], "")
        )

    @api.model
    def _scan_company(self, target):
        """The company whose control points apply to a scanned lot or package:
        its own, else the companies that hold it in stock (lots of products
        shared between companies have none of their own), else None (the
        enabled companies)."""
        company = target.company_id
        quants = target.quant_ids
        if target._name == "stock.quant.package":
            quants = self._package_quants(target)
            company = company or quants.lot_id.company_id
        if not company:
            company = quants.filtered(
                lambda quant: quant.location_id.usage == "internal"
            ).company_id
        return company or None

    @api.model
    def _point_workcenters(self, point, company):
        """The equipment offered for a check at a point: the point's own, else
        the work centers of the lot's company (default: the enabled ones);
        none for a user who may not read work centers."""
        Workcenter = self.env["mrp.workcenter"]
        if not Workcenter.has_access("read"):
            return Workcenter
        if point.workcenter_ids:
            return point.workcenter_ids._filtered_access("read")
        companies = company or self.env.companies
        return Workcenter.search(
            [("company_id", "in", [False, *companies.ids])], limit=100
        )

    @api.model
    def _lots_state(self, lots):
        """The quality state of a lot, or the worst of a package's lots."""
        lot_states = set(lots.mapped("quality_state"))
        for state in ("blocked", "quarantine"):
            if state in lot_states:
                return state
        return "released"

    @api.model
    def _state_label(self, state):
        states = self.env["stock.lot"]._fields["quality_state"]
        return dict(states._description_selection(self.env)).get(state, "")

    @api.model
    def _spec_limits(self, spec):
        if spec.value_type != "numeric" or not (spec.has_min or spec.has_max):
            return ""
        low = f"{spec.min_value:g}" if spec.has_min else "…"
        high = f"{spec.max_value:g}" if spec.has_max else "…"
        return f"[{low} – {high}]"

    @api.model
    def scanner_submit(
        self,
        lot_id,
        point_id,
        values,
        notes=None,
        package_id=None,
        workcenter_id=None,
        photos=None,
        defect_count=None,
    ):
        """Record one check of a lot (or a package) from the scanner screen.

        :param defect_count: sampling points: the nonconforming items found in
            the sample the screen showed

        :param photos: photos of the check: ``{"name", "data"}`` dicts (base64)
        :return: the result of :meth:`record_scans`; a recorded check adds the
            state of its lot (or the worst of its package's lots) after the
            check, ``lot_state`` and ``lot_state_label``, and ``failures``:
            one sentence per failed value, naming the measurement and by how
            much it missed its limit
        """
        [result] = self.record_scans(
            [
                {
                    "lot_id": lot_id,
                    "package_id": package_id,
                    "control_point": point_id,
                    "values": values,
                    "notes": notes,
                    "workcenter": workcenter_id or None,
                    "photos": photos or None,
                    "defect_count": defect_count,
                }
            ],
            source="screen",
        )
        if result["status"] == "created":
            check = self.env["traceability.check"].browse(result["id"])
            lots = check._traceability_lots()
            state = self._lots_state(lots) if lots else None
            result.update(
                lot_state=state,
                lot_state_label=self._state_label(state),
                failures=[
                    self._value_failure(value)
                    for value in check.value_ids
                    if value.result == "fail"
                ],
            )
        return result

    @api.model
    def _value_failure(self, value):
        """What failed in a value: ``Width 12.0 mm: 1.0 mm above the maximum
        11.0``, or ``Visual: fail``."""
        spec = value.spec_id
        if spec.value_type != "numeric":
            return self.env._("%(name)s: fail", name=spec.name)
        unit = f" {spec.unit}" if spec.unit else ""
        number = value.value_float
        if spec.has_max and number > spec.max_value:
            return self.env._(
                "%(name)s %(value)s: %(deviation)s above the maximum %(limit)s",
                name=spec.name,
                value=self._format_measure(number) + unit,
                deviation=self._format_measure(number - spec.max_value) + unit,
                limit=self._format_measure(spec.max_value),
            )
        return self.env._(
            "%(name)s %(value)s: %(deviation)s below the minimum %(limit)s",
            name=spec.name,
            value=self._format_measure(number) + unit,
            deviation=self._format_measure(spec.min_value - number) + unit,
            limit=self._format_measure(spec.min_value),
        )

    @api.model
    def _format_measure(self, number):
        """A measure in the user's language, with the decimals it has (at
        least one, at most six: the precision of the values)."""
        number = round(number, 6)
        decimals = f"{number:.6f}".rstrip("0").split(".")[1]
        return formatLang(self.env, number, digits=max(1, len(decimals)))

    # ------------------------------------------------------------------
    # Batches
    # ------------------------------------------------------------------
    @api.model
    def record_scans(self, scans, device_id=None, source="api"):
        """Validate and store a batch of scans.

        :param scans: list of dicts (``client_uid``, ``code`` or ``lot_id``,
            ``control_point``, ``values``, optional ``date``, ``operator``,
            ``workcenter``, ``production``, ``picking``, ``notes``, ``gauge``)
        :return: one dict per scan, in order: ``status`` (``created``,
            ``duplicate`` or ``error``), ``client_uid``, and ``id``, ``name``,
            ``result``, ``lot_state`` for stored scans or ``error`` (a reason)
        """
        self._check_scanner_user()
        if not isinstance(scans, list):
            raise UserError(self.env._("'scans' must be a list."))
        if len(scans) > MAX_BATCH:
            raise UserError(
                self.env._("At most %(count)s scans per batch.", count=MAX_BATCH)
            )
        device_id = self._batch_device_id(device_id)
        cache = {"points": {}, "lots": {}, "users": {}, "workcenters": {}, "docs": {}}
        results = [None] * len(scans)
        scan_uids = [self._scan_uid(scan) for scan in scans]
        existing = self._existing_checks(device_id, [uid for uid in scan_uids if uid])
        self._prefetch_lots(
            [scan.get("code") for scan in scans if isinstance(scan, dict)], cache
        )
        to_create = []
        seen = set()
        for index, scan in enumerate(scans):
            scan_uid = scan_uids[index]
            if scan_uid and scan_uid in existing:
                results[index] = self._result(existing[scan_uid], "duplicate", scan_uid)
                continue
            if scan_uid and scan_uid in seen:
                results[index] = {
                    "status": "duplicate",
                    "client_uid": scan_uid,
                    "error": self.env._("Sent twice in this batch."),
                }
                continue
            try:
                vals = self._prepare_check_vals(scan, device_id, source, cache)
            except (ScanError, AccessError) as error:
                # AccessError: a document of a model the caller may not read.
                results[index] = {
                    "status": "error",
                    "client_uid": scan_uid,
                    "error": str(error),
                }
                continue
            seen.add(scan_uid)
            to_create.append((index, vals))
        if to_create:
            self._create_checks(to_create, results, device_id)
        return results

    @api.model
    def _batch_device_id(self, device_id):
        """The device id of a batch (stripped), or False; raises
        :class:`UserError` for the whole batch when it cannot be one."""
        if device_id is None or device_id is False:
            return False
        if (
            not isinstance(device_id, str)
            or len(device_id) > MAX_DEVICE_ID
            or not storable(device_id)
        ):
            raise UserError(
                self.env._(
                    "The device id must be a string of at most %(limit)s "
                    "characters, without NUL.",
                    limit=MAX_DEVICE_ID,
                )
            )
        return device_id.strip() or False

    @api.model
    def _scan_uid(self, scan):
        """The scan's ``client_uid`` when it is a usable one, else None (the
        scan is then refused by :meth:`_prepare_check_vals`)."""
        scan_uid = scan.get("client_uid") if isinstance(scan, dict) else None
        if (
            isinstance(scan_uid, str)
            and 0 < len(scan_uid) <= MAX_CLIENT_UID
            and storable(scan_uid)
        ):
            return scan_uid
        return None

    @api.model
    def _check_text(self, value, key, limit):
        """``value`` when it is a string that can be stored, of at most
        ``limit`` characters; raises :class:`ScanError` naming ``key``."""
        if not isinstance(value, str):
            raise ScanError(self.env._("%(key)s must be a string.", key=key))
        if len(value) > limit:
            raise ScanError(
                self.env._(
                    "%(key)s is longer than %(limit)s characters.",
                    key=key,
                    limit=limit,
                )
            )
        if not storable(value):
            raise ScanError(
                self.env._(
                    "%(key)s holds a character that cannot be stored (NUL or a "
                    "lone surrogate).",
                    key=key,
                )
            )
        return value

    @api.model
    def _existing_checks(self, device_id, uids):
        if not uids:
            return {}
        checks = self.env["traceability.check"].search(
            [
                ("company_id", "=", self.env.company.id),
                ("device_id", "=", device_id),
                ("client_uid", "in", uids),
            ]
        )
        return {check.client_uid: check for check in checks}

    @api.model
    def _prefetch_lots(self, codes, cache):
        names = {
            code.strip()
            for code in codes
            if isinstance(code, str)
            and len(code) <= MAX_CODE
            and storable(code)
            and code.strip()
            and "/" not in code
        }
        # An SSCC is looked up as a box or pallet first (_resolve_code), as on
        # the scanner screen, even when a lot has the same name.
        Package = self.env["stock.quant.package"]
        names = {name for name in names if not Package._traceability_sscc_of_code(name)}
        if not names:
            return
        groups = self.env["stock.lot"]._read_group(
            [("name", "in", list(names))], ["name"], ["id:array_agg"]
        )
        for name, ids in groups:
            if len(ids) == 1:
                cache["lots"][name] = self.env["stock.lot"].browse(ids)

    @api.model
    def _create_checks(self, to_create, results, device_id):
        """Create the checks in one batch; when a copy of the batch was stored
        meanwhile (unique violation) or one scan breaks a rule, one by one."""
        Check = self.env["traceability.check"].with_context(tracking_disable=True)
        try:
            # A unique violation is expected here, not an error to log.
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                checks = Check.create([vals for _index, vals in to_create])
                checks.flush_recordset()
        except (IntegrityError, ValidationError, UserError, AccessError):
            self.env.invalidate_all()
            for index, vals in to_create:
                results[index] = self._create_one(vals, device_id)
            return
        for (index, vals), check in zip(to_create, checks, strict=True):
            results[index] = self._result(check, "created", vals.get("client_uid"))

    @api.model
    def _create_one(self, vals, device_id):
        scan_uid = vals.get("client_uid")
        Check = self.env["traceability.check"].with_context(tracking_disable=True)
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                check = Check.create(vals)
                check.flush_recordset()
        except IntegrityError as error:
            self.env.invalidate_all()
            if error.diag.constraint_name != CLIENT_UID_INDEX:
                self._retry_request(error)
            existing = self._existing_checks(device_id, [scan_uid])
            if scan_uid in existing:
                return self._result(existing[scan_uid], "duplicate", scan_uid)
            # Stored by a request that committed after this one began: not
            # visible here yet, but stored once.
            return {"status": "duplicate", "client_uid": scan_uid, "id": None}
        except (ValidationError, UserError, AccessError) as error:
            self.env.invalidate_all()
            return {"status": "error", "client_uid": scan_uid, "error": str(error)}
        return self._result(check, "created", scan_uid)

    @api.model
    def _retry_request(self, error):
        """Another unique row than the scan's (a follower of the lot notified
        of a failure...) was inserted by a concurrent request since this one
        began: this transaction cannot see it, so the request is run again
        from the start, as Odoo does for any serialization failure
        (``odoo.service.model.retrying``); reporting the scan as a duplicate
        would lose it."""
        _logger.info(
            "Scans: %s violated by a concurrent request, retrying",
            error.diag.constraint_name,
        )
        with mute_logger("odoo.sql_db"):
            self.env.cr.execute(
                SQL(
                    "DO $$ BEGIN RAISE EXCEPTION 'concurrent insert' "
                    "USING ERRCODE = 'serialization_failure'; END $$"
                )
            )

    @api.model
    def _result(self, check, status, scan_uid):
        return {
            "status": status,
            "client_uid": scan_uid,
            "id": check.id,
            "name": check.name,
            "result": check.result,
            "state": check.state,
            "lot_state": check.lot_id.quality_state or None,
        }

    # ------------------------------------------------------------------
    # One scan
    # ------------------------------------------------------------------
    @api.model
    def _prepare_check_vals(self, scan, device_id, source, cache):
        if not isinstance(scan, dict):
            raise ScanError(self.env._("A scan must be an object."))
        scan_uid = self._scan_uid(scan)
        if source == "api" and not scan_uid:
            raise ScanError(
                self.env._(
                    "Missing client_uid (a string of 1 to %(limit)s characters).",
                    limit=MAX_CLIENT_UID,
                )
            )
        target = self._scan_lot(scan, cache)
        point = self._scan_point(scan.get("control_point"), cache)
        notes = scan.get("notes")
        if notes is None or notes is False:
            notes = ""
        vals = {
            **self._target_vals(target),
            "control_point_id": point.id,
            "company_id": self.env.company.id,
            "source": source,
            "device_id": device_id,
            "client_uid": scan_uid or False,
            "notes": self._check_text(notes, "notes", MAX_NOTES) or False,
            "value_ids": self._scan_values(point, scan.get("values") or {}),
        }
        if scan.get("photos"):
            vals["attachment_ids"] = self._scan_photos(scan["photos"])
        if scan.get("date"):
            vals["date"] = self._scan_date(scan["date"])
        vals["operator_id"] = self._scan_user(scan.get("operator"), cache).id
        if scan.get("workcenter"):
            vals["workcenter_id"] = self._scan_record(
                "mrp.workcenter", scan["workcenter"], cache, self.env._("work center")
            ).id
        if scan.get("production"):
            vals["production_id"] = self._scan_record(
                "mrp.production",
                scan["production"],
                cache,
                self.env._("manufacturing order"),
            ).id
        if scan.get("picking"):
            vals["picking_id"] = self._scan_record(
                "stock.picking", scan["picking"], cache, self.env._("transfer")
            ).id
        if scan.get("gauge"):
            self._scan_gauge(scan["gauge"], vals, cache)
        if point.sampling == "iso2859":
            vals["defect_count"] = self._scan_defect_count(scan.get("defect_count"))
        missing = self._missing_context(point, vals)
        if missing:
            raise ScanError(
                self.env._(
                    "Missing required value(s): %(names)s.", names=", ".join(missing)
                )
            )
        return vals

    @api.model
    def _scan_gauge(self, code, vals, cache):
        """The scan's ``gauge`` (its code, in the caller's company) on its
        numeric values; an unknown, archived, failed or overdue gauge refuses
        the scan (traceability.gauge._check_usable)."""
        code = self._check_text(code, "gauge", MAX_NAME).strip()
        key = ("traceability.gauge", code)
        if key not in cache["docs"]:
            cache["docs"][key] = (
                self.env["traceability.gauge"]
                .with_context(active_test=False)
                .search(
                    [("code", "=", code), ("company_id", "=", self.env.company.id)],
                    limit=1,
                )
            )
        gauge = cache["docs"][key]
        if not gauge:
            raise ScanError(self.env._("Unknown gauge: %(code)s", code=shown(code)))
        date = fields.Datetime.to_datetime(vals.get("date")) or fields.Datetime.now()
        try:
            gauge._check_usable(
                fields.Date.context_today(gauge, timestamp=date), self.env.company
            )
        except ValidationError as error:
            raise ScanError(str(error)) from error
        Spec = self.env["traceability.control.spec"]
        for _command, _id, value_vals in vals["value_ids"]:
            if Spec.browse(value_vals["spec_id"]).value_type == "numeric":
                value_vals["gauge_id"] = gauge.id

    @api.model
    def _scan_id(self, ref):
        """``ref`` when it is a record id (an integer in PostgreSQL's range),
        else None."""
        if isinstance(ref, int) and not isinstance(ref, bool):
            if 0 < ref <= MAX_RECORD_ID:
                return ref
        return None

    @api.model
    def _readable(self, model, ref):
        """The record of id ``ref`` of ``model`` if it exists and the caller
        may read it (access rights and record rules, as the caller), else an
        empty recordset."""
        record_id = self._scan_id(ref)
        if record_id is None:
            return self.env[model]
        return self.env[model].browse(record_id).exists()._filtered_access("read")

    @api.model
    def _scan_lot(self, scan, cache):
        """The scanned lot, or package (``stock.quant.package``)."""
        for key, model in (
            ("lot_id", "stock.lot"),
            ("package_id", "stock.quant.package"),
        ):
            if scan.get(key):
                ref = scan[key]
                record = self._readable(model, ref)
                if not record:
                    raise ScanError(
                        self.env._("Unknown %(key)s: %(id)s", key=key, id=shown(ref))
                    )
                return record
        code = scan.get("code")
        if not isinstance(code, str):
            raise ScanError(
                self.env._("Missing code (the scanned lot or serial number).")
            )
        code = self._check_text(code, "code", MAX_CODE)
        key = code.strip()
        if key not in cache["lots"]:
            cache["lots"][key] = self._resolve_code(code)
        return cache["lots"][key]

    @api.model
    def _target_vals(self, target):
        """``lot_id`` and ``package_id`` of a check of a lot or a package (and
        the package's lot when it holds one lot only)."""
        if target._name == "stock.lot":
            return {"lot_id": target.id}
        lots = self._package_quants(target).lot_id
        return {"package_id": target.id, "lot_id": lots.id if len(lots) == 1 else False}

    @api.model
    def _scan_point(self, ref, cache):
        Point = self.env["traceability.control.point"]
        if isinstance(ref, str):
            ref = self._check_text(ref, "control_point", MAX_NAME).strip()
        elif self._scan_id(ref) is None:
            raise ScanError(
                self.env._("Unknown control point: %(ref)s", ref=shown(ref))
            )
        if ref in cache["points"]:
            return cache["points"][ref]
        if isinstance(ref, int):
            point = self._readable(Point._name, ref)
            if point and point.company_id not in self.env.companies:
                point = Point.browse()
        else:
            point = Point.search([("name", "=", ref)], limit=1) if ref else Point
        if not point:
            raise ScanError(
                self.env._("Unknown control point: %(ref)s", ref=shown(ref))
            )
        cache["points"][ref] = point
        return point

    @api.model
    def _scan_values(self, point, values):
        """Commands of the check's values; raises on unknown parameters, text in
        a numeric field, a bad pass/fail or a missing required value."""
        if isinstance(values, list):
            if not all(
                isinstance(item, dict) and isinstance(item.get("parameter"), str)
                for item in values
            ):
                raise ScanError(
                    self.env._(
                        "'values' must be an object {parameter: value} or a list "
                        "of {parameter, value} objects."
                    )
                )
            values = {item["parameter"]: item.get("value") for item in values}
        if not isinstance(values, dict):
            raise ScanError(
                self.env._("'values' must be an object {parameter: value}.")
            )
        specs = {spec.name: spec for spec in point.spec_ids}
        unknown = set(values) - set(specs)
        if unknown:
            raise ScanError(
                self.env._(
                    "Unknown parameter(s) of %(point)s: %(names)s",
                    point=point.name,
                    names=", ".join(sorted(shown(name) for name in unknown)[:10]),
                )
            )
        commands = []
        missing = []
        for name, spec in specs.items():
            value = values.get(name)
            if value is None or value == "":
                if spec.required:
                    missing.append(name)
                continue
            commands.append((0, 0, self._value_vals(spec, value)))
        if missing:
            raise ScanError(
                self.env._(
                    "Missing required value(s): %(names)s.", names=", ".join(missing)
                )
            )
        return commands

    @api.model
    def _value_vals(self, spec, value):
        vals = {"spec_id": spec.id}
        if spec.value_type == "numeric":
            vals.update(value_float=self._scan_number(spec, value), value_is_set=True)
        elif spec.value_type == "pass_fail":
            verdict = {True: "pass", False: "fail", "pass": "pass", "fail": "fail"}
            key = value.lower() if isinstance(value, str) else value
            if not isinstance(key, bool | str) or key not in verdict:
                raise ScanError(
                    self.env._("%(name)s must be 'pass' or 'fail'.", name=spec.name)
                )
            vals["value_pass_fail"] = verdict[key]
        elif spec.value_type == "text":
            if isinstance(value, int | float) and not isinstance(value, bool):
                value = str(self._scan_number(spec, value))
            vals["value_text"] = self._check_text(value, spec.name, MAX_TEXT_VALUE)
        else:
            raw, _mimetype = self._photo_bytes(value, spec.name)
            vals["photo"] = base64.b64encode(raw)
        return vals

    @api.model
    def _scan_number(self, spec, value):
        """A finite number of at most :data:`MAX_NUMBER` in absolute value,
        from a number or a numeric string (a decimal comma is accepted)."""
        number = None
        if isinstance(value, str) and len(value) <= 64:
            try:
                number = float(value.strip().replace(",", "."))
            except ValueError:
                number = None
        elif isinstance(value, int | float) and not isinstance(value, bool):
            try:
                number = float(value)
            except OverflowError:
                number = math.inf
        if number is None:
            raise ScanError(self.env._("%(name)s must be a number.", name=spec.name))
        if not math.isfinite(number) or abs(number) > MAX_NUMBER:
            raise ScanError(
                self.env._(
                    "%(name)s must be a finite number of at most %(limit)s in "
                    "absolute value.",
                    name=spec.name,
                    limit=format(MAX_NUMBER, "g"),
                )
            )
        return number

    @api.model
    def _photo_bytes(self, data, label):
        """The bytes and the mimetype of a base64 photo: a PNG, JPEG or WebP
        image that decodes whole, of at most :data:`MAX_PHOTO_BYTES` and
        :data:`MAX_PHOTO_PIXELS`. Anything else (SVG, HTML, a truncated file)
        raises :class:`ScanError`."""
        if not isinstance(data, str) or not data:
            raise ScanError(self.env._("%(name)s is not base64.", name=label))
        if len(data) > (MAX_PHOTO_BYTES + 2) // 3 * 4:
            raise ScanError(self._photo_too_large(label))
        try:
            raw = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError) as error:
            raise ScanError(
                self.env._("%(name)s is not base64.", name=label)
            ) from error
        if len(raw) > MAX_PHOTO_BYTES:
            raise ScanError(self._photo_too_large(label))
        not_image = self.env._("%(name)s is not a PNG, JPEG or WebP image.", name=label)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(raw), formats=list(PHOTO_TYPES)) as image:
                    mimetype = PHOTO_TYPES.get(image.format)
                    if image.width * image.height > MAX_PHOTO_PIXELS:
                        raise ScanError(self._photo_too_large(label))
                    image.load()
        except ScanError:
            raise
        except Exception as error:  # noqa: BLE001 -- Pillow raises many kinds on bad bytes
            raise ScanError(not_image) from error
        if not mimetype:
            raise ScanError(not_image)
        return raw, mimetype

    @api.model
    def _photo_too_large(self, label):
        return self.env._(
            "%(name)s is larger than %(bytes)s MiB or %(pixels)s megapixels.",
            name=label,
            bytes=MAX_PHOTO_BYTES // (1024 * 1024),
            pixels=MAX_PHOTO_PIXELS // 1_000_000,
        )

    @api.model
    def _scan_photos(self, photos):
        """Attachment commands of a check's photos: base64 strings, or
        ``{"name", "data"}`` dicts that keep the file's name. The attachment's
        mimetype is the decoded image's, whatever the name says."""
        if not isinstance(photos, list) or len(photos) > 10:
            raise ScanError(self.env._("'photos' must be a list of at most 10 images."))
        commands = []
        for index, photo in enumerate(photos, start=1):
            name = f"photo-{index}"
            if isinstance(photo, dict):
                given = photo.get("name")
                if isinstance(given, str) and given.strip() and storable(given):
                    name = given.strip()[:128]
                photo = photo.get("data")
            label = self.env._("Photo %(index)s", index=index)
            raw, mimetype = self._photo_bytes(photo, label)
            commands.append(
                (
                    0,
                    0,
                    {"name": name, "raw": raw, "mimetype": mimetype, "type": "binary"},
                )
            )
        return commands

    @api.model
    def _missing_context(self, point, vals):
        missing = []
        if point.require_operator and not vals.get("operator_id"):
            missing.append(self.env._("operator"))
        if point.require_workcenter and not vals.get("workcenter_id"):
            missing.append(self.env._("equipment"))
        if point.require_notes and not (vals.get("notes") or "").strip():
            missing.append(self.env._("notes"))
        return missing

    @api.model
    def _scan_defect_count(self, value):
        """The nonconforming items found in the sample of a sampling point: a
        whole number from 0 (at most the sample size: the check's constraint)."""
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ScanError(
                self.env._(
                    "Missing or invalid defect_count: the nonconforming items found "
                    "in the sample, a whole number from 0."
                )
            )
        return value

    @api.model
    def _scan_date(self, value):
        """A date-time in ISO 8601 (UTC when it has no offset), from
        :data:`MIN_SCAN_DATE` to one day ahead of the server's clock."""
        bad = self.env._("Bad date: %(date)s", date=shown(value))
        if not isinstance(value, str) or len(value) > 64:
            raise ScanError(bad)
        try:
            date = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if date.tzinfo:
                date = date.astimezone(timezone.utc).replace(tzinfo=None)
        except (ValueError, OverflowError) as error:
            raise ScanError(bad) from error
        if not MIN_SCAN_DATE <= date <= datetime.now() + timedelta(days=1):
            raise ScanError(
                self.env._(
                    "The date %(date)s is out of range (from %(start)s to "
                    "tomorrow).",
                    date=shown(value),
                    start=MIN_SCAN_DATE.date().isoformat(),
                )
            )
        return fields.Datetime.to_string(date)

    @api.model
    def _scan_user(self, login, cache):
        if not login:
            return self.env.user
        login = self._check_text(login, "operator", MAX_NAME)
        if login not in cache["users"]:
            user = self.env["res.users"].search([("login", "=", login)], limit=1)
            if not user:
                raise ScanError(self.env._("Unknown operator: %(login)s", login=login))
            cache["users"][login] = user
        return cache["users"][login]

    @api.model
    def _scan_record(self, model, ref, cache, label):
        """A work center, manufacturing order or transfer, by id or name, among
        the records the caller may read."""
        if isinstance(ref, str):
            ref = self._check_text(ref, label, MAX_NAME)
        elif self._scan_id(ref) is None:
            raise ScanError(
                self.env._("Unknown %(label)s: %(ref)s", label=label, ref=shown(ref))
            )
        key = (model, ref)
        if key not in cache["docs"]:
            if isinstance(ref, int):
                record = self._readable(model, ref)
            else:
                record = self.env[model].search([("name", "=", ref)], limit=1)
            if not record:
                raise ScanError(
                    self.env._(
                        "Unknown %(label)s: %(ref)s", label=label, ref=shown(ref)
                    )
                )
            cache["docs"][key] = record
        return cache["docs"][key]

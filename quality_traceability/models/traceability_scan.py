# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import binascii
import logging
import re
from datetime import datetime, timezone

from psycopg2 import IntegrityError

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger

from ..controllers.main import gtin_barcodes
from ..tools import gs1

_logger = logging.getLogger(__name__)

MAX_BATCH = 1000
TRACE_URL = re.compile(r"/trace/([A-Za-z0-9_-]{8,64})/?(?:[?#].*)?$")
GS1_PREFIXES = ("]C1", "]d2", "]Q3", "]e0", "]J1", "\x1d")
GS1_TRACKING = {"10": "lot", "21": "serial"}


class ScanError(Exception):
    """A scan that cannot be recorded; its message is shown to the device."""


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
        trace code URL or a GS1 Digital Link. Raises :class:`ScanError`."""
        code = (code or "").strip()
        if not code:
            raise ScanError(self.env._("Empty code."))
        if len(code) > 512:
            raise ScanError(self.env._("The code is too long."))
        Lot = self.env["stock.lot"]
        match = TRACE_URL.search(code)
        if match:
            lot = Lot._traceability_find_by_code(match.group(1))
            if not lot:
                raise ScanError(self.env._("Unknown trace code: %(code)s", code=code))
            return Lot.browse(lot.id)
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
        lot = self.env["stock.lot"].search(
            [
                ("name", "=", elements[ai]),
                ("product_id.barcode", "in", gtin_barcodes(gtin14)),
                ("product_id.tracking", "=", GS1_TRACKING[ai]),
            ],
            limit=1,
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
    def scanner_lookup(self, code):
        """The lot of a scanned code and the control points that apply to it,
        or ``{"error": reason}``."""
        try:
            target = self._resolve_code(code)
        except ScanError as error:
            return {"error": str(error)}
        Lot = self.env["stock.lot"]
        states = dict(Lot._fields["quality_state"]._description_selection(self.env))
        if target._name == "stock.lot":
            products, lots = target.product_id, target
        else:
            products, lots = target.quant_ids.product_id, target.quant_ids.lot_id
        state = (
            "blocked"
            if "blocked" in lots.mapped("quality_state")
            else "quarantine"
            if "quarantine" in lots.mapped("quality_state")
            else "released"
        )
        Point = self.env["traceability.control.point"]
        points = Point.browse()
        for product in products:
            points |= Point._find_applicable(product)
        return {
            "lot": {
                "id": target.id,
                "package": target._name == "stock.quant.package",
                "name": target.name,
                "product": ", ".join(products.mapped("display_name")),
                "quality_state": state,
                "quality_state_label": states[state],
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
                        for workcenter in (
                            point.workcenter_ids
                            or self.env["mrp.workcenter"].search(
                                [
                                    (
                                        "company_id",
                                        "in",
                                        [False, *self.env.companies.ids],
                                    )
                                ],
                                limit=100,
                            )
                        )
                    ],
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
    ):
        """Record one check of a lot (or a package) from the scanner screen.

        :param photos: photos of the check: ``{"name", "data"}`` dicts (base64)
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
                }
            ],
            source="screen",
        )
        return result

    # ------------------------------------------------------------------
    # Batches
    # ------------------------------------------------------------------
    @api.model
    def record_scans(self, scans, device_id=None, source="api"):
        """Validate and store a batch of scans.

        :param scans: list of dicts (``client_uid``, ``code`` or ``lot_id``,
            ``control_point``, ``values``, optional ``date``, ``operator``,
            ``workcenter``, ``production``, ``picking``, ``notes``)
        :return: one dict per scan, in order: ``status`` (``created``,
            ``duplicate`` or ``error``), ``client_uid``, and ``id``, ``name``,
            ``result``, ``lot_state`` for stored scans or ``error`` (a reason)
        """
        if not isinstance(scans, list):
            raise UserError(self.env._("'scans' must be a list."))
        if len(scans) > MAX_BATCH:
            raise UserError(
                self.env._("At most %(count)s scans per batch.", count=MAX_BATCH)
            )
        device_id = (device_id or "").strip() or False
        cache = {"points": {}, "lots": {}, "users": {}, "workcenters": {}, "docs": {}}
        results = [None] * len(scans)
        uids = [
            scan.get("client_uid")
            for scan in scans
            if isinstance(scan, dict) and isinstance(scan.get("client_uid"), str)
        ]
        existing = self._existing_checks(device_id, uids)
        self._prefetch_lots(
            [scan.get("code") for scan in scans if isinstance(scan, dict)], cache
        )
        to_create = []
        seen = set()
        for index, scan in enumerate(scans):
            scan_uid = scan.get("client_uid") if isinstance(scan, dict) else None
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
            except ScanError as error:
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
            if isinstance(code, str) and code.strip() and "/" not in code
        }
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
        except (IntegrityError, ValidationError, UserError):
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
        except IntegrityError:
            self.env.invalidate_all()
            existing = self._existing_checks(device_id, [scan_uid])
            if scan_uid in existing:
                return self._result(existing[scan_uid], "duplicate", scan_uid)
            # Stored by a request that committed after this one began: not
            # visible here yet, but stored once.
            return {"status": "duplicate", "client_uid": scan_uid, "id": None}
        except (ValidationError, UserError) as error:
            self.env.invalidate_all()
            return {"status": "error", "client_uid": scan_uid, "error": str(error)}
        return self._result(check, "created", scan_uid)

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
        scan_uid = scan.get("client_uid")
        if source == "api" and not (
            isinstance(scan_uid, str) and 0 < len(scan_uid) <= 128
        ):
            raise ScanError(
                self.env._("Missing client_uid (a string of 1 to 128 characters).")
            )
        target = self._scan_lot(scan, cache)
        point = self._scan_point(scan.get("control_point"), cache)
        vals = {
            **self._target_vals(target),
            "control_point_id": point.id,
            "company_id": self.env.company.id,
            "source": source,
            "device_id": device_id,
            "client_uid": scan_uid or False,
            "notes": scan.get("notes") or False,
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
        missing = self._missing_context(point, vals)
        if missing:
            raise ScanError(
                self.env._(
                    "Missing required value(s): %(names)s.", names=", ".join(missing)
                )
            )
        return vals

    @api.model
    def _scan_lot(self, scan, cache):
        """The scanned lot, or package (``stock.quant.package``)."""
        for key, model in (
            ("lot_id", "stock.lot"),
            ("package_id", "stock.quant.package"),
        ):
            if scan.get(key):
                ref = scan[key]
                record = self.env[model]
                if isinstance(ref, int) and not isinstance(ref, bool):
                    record = record.browse(ref).exists()
                if not record:
                    raise ScanError(
                        self.env._("Unknown %(key)s: %(id)s", key=key, id=ref)
                    )
                return record
        code = scan.get("code")
        if not isinstance(code, str):
            raise ScanError(
                self.env._("Missing code (the scanned lot or serial number).")
            )
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
        lots = target.quant_ids.lot_id
        return {"package_id": target.id, "lot_id": lots.id if len(lots) == 1 else False}

    @api.model
    def _scan_point(self, ref, cache):
        if ref in cache["points"]:
            return cache["points"][ref]
        Point = self.env["traceability.control.point"]
        point = Point.browse()
        if isinstance(ref, int) and not isinstance(ref, bool):
            point = Point.browse(ref).exists()
            if point and point.company_id not in self.env.companies:
                point = Point.browse()
        elif isinstance(ref, str) and ref.strip():
            point = Point.search([("name", "=", ref.strip())], limit=1)
        if not point:
            raise ScanError(self.env._("Unknown control point: %(ref)s", ref=ref))
        cache["points"][ref] = point
        return point

    @api.model
    def _scan_values(self, point, values):
        """Commands of the check's values; raises on unknown parameters, text in
        a numeric field, a bad pass/fail or a missing required value."""
        if isinstance(values, list):
            values = {
                item.get("parameter"): item.get("value")
                for item in values
                if isinstance(item, dict)
            }
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
                    names=", ".join(sorted(map(str, unknown))),
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
            if isinstance(value, bool):
                value = None
            elif isinstance(value, str):
                try:
                    value = float(value.strip().replace(",", "."))
                except ValueError:
                    value = None
            if not isinstance(value, int | float) or value != value:
                raise ScanError(
                    self.env._("%(name)s must be a number.", name=spec.name)
                )
            vals.update(value_float=float(value), value_is_set=True)
        elif spec.value_type == "pass_fail":
            verdict = {True: "pass", False: "fail", "pass": "pass", "fail": "fail"}
            key = value.lower() if isinstance(value, str) else value
            if key not in verdict:
                raise ScanError(
                    self.env._("%(name)s must be 'pass' or 'fail'.", name=spec.name)
                )
            vals["value_pass_fail"] = verdict[key]
        elif spec.value_type == "text":
            vals["value_text"] = str(value)[:1024]
        else:
            try:
                base64.b64decode(value, validate=True)
            except (binascii.Error, TypeError, ValueError) as error:
                raise ScanError(
                    self.env._("%(name)s must be a base64 image.", name=spec.name)
                ) from error
            vals["photo"] = value
        return vals

    @api.model
    def _scan_photos(self, photos):
        """Attachment commands of a check's photos: base64 strings, or
        ``{"name", "data"}`` dicts that keep the file's name."""
        if not isinstance(photos, list) or len(photos) > 10:
            raise ScanError(self.env._("'photos' must be a list of at most 10 images."))
        commands = []
        for index, photo in enumerate(photos, start=1):
            name = f"photo-{index}"
            if isinstance(photo, dict):
                given = photo.get("name")
                if isinstance(given, str) and given.strip():
                    name = given.strip()[:128]
                photo = photo.get("data")
            try:
                if not photo or not base64.b64decode(photo, validate=True):
                    raise ValueError(photo)
            except (binascii.Error, TypeError, ValueError) as error:
                raise ScanError(
                    self.env._("Photo %(index)s is not base64.", index=index)
                ) from error
            commands.append((0, 0, {"name": name, "datas": photo, "type": "binary"}))
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
    def _scan_date(self, value):
        try:
            date = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError as error:
            raise ScanError(self.env._("Bad date: %(date)s", date=value)) from error
        if date.tzinfo:
            date = date.astimezone(timezone.utc).replace(tzinfo=None)
        return fields.Datetime.to_string(date)

    @api.model
    def _scan_user(self, login, cache):
        if not login:
            return self.env.user
        if login not in cache["users"]:
            user = self.env["res.users"].search([("login", "=", login)], limit=1)
            if not user:
                raise ScanError(self.env._("Unknown operator: %(login)s", login=login))
            cache["users"][login] = user
        return cache["users"][login]

    @api.model
    def _scan_record(self, model, ref, cache, label):
        key = (model, ref)
        if key not in cache["docs"]:
            Model = self.env[model]
            if isinstance(ref, int) and not isinstance(ref, bool):
                record = Model.browse(ref).exists()
            else:
                record = Model.search([("name", "=", str(ref))], limit=1)
            if not record:
                raise ScanError(
                    self.env._("Unknown %(label)s: %(ref)s", label=label, ref=ref)
                )
            cache["docs"][key] = record
        return cache["docs"][key]

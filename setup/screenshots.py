# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The README's screenshots, in English and in Simplified Chinese.

Two steps, both run by ``setup/screenshots.sh``:

``python setup/screenshots.py prepare --db DB --state FILE``
    On a fresh database with the demo data (connection from the environment
    that ``setup/common.sh`` exports, see ``tests/bench/odoo_env.py``): adds
    what the screens need through Odoo's own flows (incoming checks that draw
    a control chart, two kettles to check on the scanner, a recall scoped and
    notified, a portal user of a notified customer) and writes the ids and
    codes the shots need to ``state_path`` (JSON).

``python setup/screenshots.py shoot --url URL --db DB --state FILE --out DIR``
    Logs in through ``/web/session/authenticate``, drives headless Chromium
    over the DevTools protocol (``websocket-client``) and writes
    ``DIR/<name>-en.png`` and ``DIR/<name>-zh.png``.
"""

import argparse
import base64
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import xmlrpc.client
from datetime import datetime, timedelta

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LANGS = (("en", "en_US", "en-US,en"), ("zh", "zh_CN", "zh-CN,zh"))
DESKTOP = {"width": 1366, "height": 900, "mobile": False}
PHONE = {"width": 412, "height": 915, "mobile": True}
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
)
PORTAL_LOGIN = "portal.shanghai"
PORTAL_PASSWORD = "portal.shanghai"
# Thickness (mm) of the sheets of 18 steel receipts, one incoming check each:
# in specification (0.75-0.85) but one beyond 3 sigma, a red point on the chart.
THICKNESS = [
    0.801, 0.798, 0.803, 0.799, 0.802, 0.797, 0.800, 0.804, 0.799,
    0.801, 0.796, 0.802, 0.800, 0.829, 0.803, 0.798, 0.801, 0.799,
]  # fmt: skip
SCANNER_SERIALS = {"en": "KT17-00004", "zh": "KT17-00005"}


# ----------------------------------------------------------------------
# Data of the shots (an Odoo environment)
# ----------------------------------------------------------------------
def prepare(env, state_path):
    """What the shots need, on top of the demo factory, as the admin user."""
    env["res.lang"]._activate_lang("en_US")
    admin = env.ref("base.user_admin")
    admin.write({"lang": "en_US", "tz": "Asia/Shanghai"})
    env = env(user=admin, context=dict(env.context, lang="en_US"), su=False)

    def ref(xmlid):
        return env.ref(f"quality_traceability.{xmlid}")

    Lot = env["stock.lot"]
    # The tests' business flows: receipts and manufacturing orders as a user makes them.
    from odoo_env import load_project_module

    Flows = load_project_module("quality_traceability/tests/flows.py").Flows
    flows = Flows(env).with_context(tracking_disable=True, mail_notrack=True)
    now = datetime.now().replace(microsecond=0)

    # Control chart: the incoming checks of 18 steel receipts, a day apart.
    steel = ref("product_steel_sheet")
    names = [f"NBS-2404{index:02d}" for index in range(1, len(THICKNESS) + 1)]
    flows.receive(
        ref("partner_vendor_steel"),
        steel,
        [(name, 5) for name in names],
        date=now - timedelta(days=len(THICKNESS) + 2),
    )
    point = ref("control_point_steel_incoming")
    results = env["traceability.scan"].record_scans(
        [
            {
                "client_uid": f"readme-{name}",
                "code": name,
                "control_point": point.id,
                "values": {"Thickness": str(value), "Surface": "pass"},
                "date": (
                    now.replace(hour=1, minute=0, second=0)
                    - timedelta(days=len(THICKNESS) - index, minutes=-17 * index)
                ).isoformat(),
            }
            for index, (name, value) in enumerate(zip(names, THICKNESS, strict=True))
        ],
        source="api",
    )
    failed = [result for result in results if result["status"] != "created"]
    if failed:
        raise RuntimeError(f"Checks not recorded: {failed}")

    # Scanner: two kettles made from the demo's components, one per language.
    body, heating = ref("product_body_assembly"), ref("product_heating_element")
    kettle = ref("product_electric_kettle")
    components = {
        body: [(Lot.search([("name", "=", "BA-0002")], limit=1), 1)],
        heating: [(Lot.search([("name", "=", "SZH-2403-A")], limit=1), 1)],
    }
    for serial in SCANNER_SERIALS.values():
        flows.produce(kettle, 1, serial, components, date=now - timedelta(days=1))

    # Recalls, started from demo lots (the second from the vendor lot of the
    # trace screen), scoped, their customers notified.
    cup = Lot.search([("name", "=", "CUP-0001")], limit=1)
    steel_lot = Lot.search([("name", "=", "NBS-240301")], limit=1)
    first_kettle = Lot.search([("name", "=", "KT17-00001")], limit=1)
    Recall = env["recall.recall"]
    recalls = Recall
    for values in (
        {
            "recall_type": "withdrawal",
            "recall_class": "3",
            "reason": "The power cord's strain relief may crack after long use.",
            "consumer_instructions": "Check the cord where it enters the base; "
            "if it is cracked, stop using the kettle and contact the shop.\n"
            "请检查电源线与底座连接处；如有裂纹，请停止使用并联系商店。",
            "source_lot_ids": [(6, 0, first_kettle.ids)],
        },
        {
            "recall_type": "recall",
            "recall_class": "2",
            "reason": "Steel sheet lot NBS-240301 of Ningbo Steel failed a corrosion "
            "test: the cups and kettles made from it may rust through and leak.",
            "hazard": "Scalding when hot liquid leaks.",
            "consumer_instructions": "Stop using the product and bring it back to "
            "the shop for a free replacement.\n请停止使用该产品，并带回商店免费更换。",
            "source_lot_ids": [(6, 0, steel_lot.ids)],
        },
    ):
        recall = Recall.create(values)
        recall.action_scope()
        action = recall.action_open_notify_wizard()
        wizard = env[action["res_model"]].with_context(**action["context"]).create({})
        wizard.action_confirm()
        recalls |= recall

    # A buyer of a notified customer, with a portal login.
    customer = ref("partner_customer_shanghai")
    contact = env["res.partner"].create(
        {
            "name": "Li Na",
            "parent_id": customer.id,
            "email": "li.na@sh-homemart.example.com",
        }
    )
    portal_user = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": contact.name,
                "login": PORTAL_LOGIN,
                "password": PORTAL_PASSWORD,
                "partner_id": contact.id,
                "groups_id": [(6, 0, env.ref("base.group_portal").ids)],
                "lang": "en_US",
            }
        )
    )
    # The buyer has acknowledged the first notice, as the portal's notice page
    # does (recall_management/controllers/portal.py; sudo: the notice as the
    # portal reads it once the access is checked).
    notice = recalls[0].customer_ids.filtered(lambda line: line.partner_id == customer)
    author = notice.sudo()._portal_answerer(portal_user)
    notice.sudo()._portal_answer(author, "acknowledge")

    # Label template preview: the cup lot as the sample.
    template = env.ref("label_printing.label_template_gs1_lot")
    template.preview_lot_id = cup

    # The backend's assets, built now rather than by the first page: a bundle
    # built while pages are open is announced on the bus, and every page
    # opened in the next minute says it is out of date.
    bundle = env["ir.qweb"]._get_asset_bundle("web.assets_web")
    bundle.js()
    bundle.css()
    env.cr.commit()  # the bus writes its messages when the transaction ends
    # sudo: the announcements of that bundle, nobody's message.
    env["bus.bus"].sudo().search([("message", "like", '"bundle_changed"')]).unlink()

    state = {
        "trace_lot_id": steel_lot.id,
        "cup_lot_id": cup.id,
        "cup_trace_code": cup.trace_code,
        "recall_id": recalls[-1].id,
        "label_template_id": template.id,
        "scanner_serials": SCANNER_SERIALS,
        "leak_current": 0.92,
        "portal_login": PORTAL_LOGIN,
        "portal_password": PORTAL_PASSWORD,
    }
    env.cr.commit()
    with open(state_path, "w", encoding="utf-8") as state_file:
        json.dump(state, state_file, indent=2)
    print(f"Screenshot data prepared: {state}")


# ----------------------------------------------------------------------
# Headless Chromium over the DevTools protocol
# ----------------------------------------------------------------------
class ShotError(Exception):
    pass


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """One headless Chromium page, driven over the DevTools protocol."""

    def __init__(self, binary):
        import websocket  # only in the project's virtualenv

        self.profile = tempfile.mkdtemp(prefix="screenshots-chromium-")
        port = free_port()
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--no-default-browser-check",
                "--hide-scrollbars",
                "--mute-audio",
                "--force-device-scale-factor=1",
                "--window-size=1366,900",
                f"--remote-debugging-port={port}",
                "--remote-debugging-address=127.0.0.1",
                "--remote-allow-origins=*",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        page = None
        deadline = time.monotonic() + 30
        while not page:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise ShotError("Chromium did not start")
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/json/list", timeout=2
                ) as answer:
                    targets = json.load(answer)
                page = next((t for t in targets if t.get("type") == "page"), None)
            except OSError:
                time.sleep(0.2)
        self.ws = websocket.create_connection(
            page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
        )
        self.next_id = 0
        self.pending = {}
        self.call("Page.enable")
        self.call("Network.enable")
        self.call("Runtime.enable")

    def close(self):
        if getattr(self, "ws", None):
            self.ws.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _event(self, message):
        """Counts the page's requests in flight (web sockets aside)."""
        method, params = message.get("method"), message.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            # The bus's shared worker: its script never reports its end here.
            if "/bus/websocket_worker" not in url:
                self.pending[params["requestId"]] = url
        elif method in ("Network.loadingFinished", "Network.loadingFailed"):
            self.pending.pop(params["requestId"], None)
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get(
                "text"
            )
            print(f"    page error: {str(text)[:300]}", file=sys.stderr)

    def _pump(self, timeout):
        import websocket

        self.ws.settimeout(timeout)
        try:
            message = json.loads(self.ws.recv())
        except websocket.WebSocketTimeoutException:
            return None
        if "id" not in message:
            self._event(message)
        return message

    def call(self, method, **params):
        self.next_id += 1
        call_id = self.next_id
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            message = self._pump(1)
            if message and message.get("id") == call_id:
                if "error" in message:
                    raise ShotError(f"{method}: {message['error']}")
                return message.get("result", {})
        raise ShotError(f"{method}: no answer")

    def idle(self, seconds):
        """Reads the page's events for ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._pump(max(0.05, deadline - time.monotonic()))

    def evaluate(self, expression, timeout=30):
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
            timeout=timeout * 1000,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise ShotError(
                details.get("exception", {}).get("description") or details["text"]
            )
        return result.get("result", {}).get("value")

    def setup(self, viewport, lang_header, cookies):
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=viewport["width"],
            height=viewport["height"],
            deviceScaleFactor=1,
            mobile=viewport["mobile"],
        )
        self.call("Emulation.setTouchEmulationEnabled", enabled=viewport["mobile"])
        self.call(
            "Emulation.setUserAgentOverride",
            userAgent=PHONE_AGENT if viewport["mobile"] else self.desktop_agent(),
            acceptLanguage=lang_header,
        )
        self.call(
            "Network.setExtraHTTPHeaders", headers={"Accept-Language": lang_header}
        )
        self.call("Network.clearBrowserCookies")
        for cookie in cookies:
            self.call("Network.setCookie", **cookie)

    def desktop_agent(self):
        if not hasattr(self, "_desktop_agent"):
            agent = self.call("Browser.getVersion")["userAgent"]
            self._desktop_agent = agent.replace("HeadlessChrome", "Chrome")
        return self._desktop_agent

    def goto(self, url):
        self.pending.clear()
        self.call("Page.navigate", url=url)

    def wait_for(self, selector, timeout=90):
        """Waits for ``selector``, then for a settled page: no request in
        flight for a while, no loading indicator, the fonts loaded."""
        check = json.dumps(selector)
        busy = json.dumps(
            ".o_loading_indicator, .o_blockUI, .o_view_nocontent_loading, "
            ".o_notification_manager .o_notification .fa-spin"
        )
        deadline = time.monotonic() + timeout
        quiet_since = None
        while True:
            if time.monotonic() > deadline:
                raise ShotError(f"timeout waiting for {selector}")
            self.idle(0.2)
            state = self.evaluate(
                f"""(() => document.readyState === 'complete'
                    && !!document.querySelector({check})
                    && !document.querySelector({busy}))()"""
            )
            if state and not self.pending:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since > 0.8:
                    break
            else:
                quiet_since = None
        self.evaluate("document.fonts.ready.then(() => true)")
        # Transitions (dropdowns, charts' animations) end.
        self.idle(0.6)

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        save_png(base64.b64decode(data), path)


def save_png(data, path):
    """A small PNG: 256 colours are plenty for a screen of text and forms."""
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=0)
    image.save(path, optimize=True)


# ----------------------------------------------------------------------
# Odoo sessions
# ----------------------------------------------------------------------
class Odoo:
    def __init__(self, url, db):
        self.url, self.db = url.rstrip("/"), db
        self.host = self.url.split("//", 1)[1].split(":")[0]

    def wait_up(self, timeout=120):
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/web/health", timeout=5):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise ShotError(f"no Odoo answers at {self.url}") from None
                time.sleep(1)

    def session(self, login, password):
        """A session cookie from /web/session/authenticate."""
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"db": self.db, "login": login, "password": password},
            }
        ).encode()
        request = urllib.request.Request(
            f"{self.url}/web/session/authenticate",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            result = json.load(answer)
            cookies = answer.headers.get_all("Set-Cookie") or []
        if result.get("error") or not result.get("result", {}).get("uid"):
            raise ShotError(f"login {login} refused: {result.get('error')}")
        for cookie in cookies:
            name, _sep, rest = cookie.partition("=")
            if name.strip() == "session_id":
                return {
                    "name": "session_id",
                    "value": rest.split(";", 1)[0],
                    "domain": self.host,
                    "path": "/",
                    "httpOnly": True,
                }
        raise ShotError(f"no session cookie for {login}")

    def set_lang(self, logins, lang):
        """The language of these users, as the admin sets it on their form."""
        common = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common")
        uid = common.authenticate(self.db, "admin", "admin", {})
        models = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object")
        ids = models.execute_kw(
            self.db, uid, "admin", "res.users", "search", [[("login", "in", logins)]]
        )
        models.execute_kw(
            self.db, uid, "admin", "res.users", "write", [ids, {"lang": lang}]
        )


# ----------------------------------------------------------------------
# The shots
# ----------------------------------------------------------------------
SCAN_JS = """
(async () => {
    const wait = async (selector, ms = 20000) => {
        const end = Date.now() + ms;
        while (Date.now() < end) {
            const element = document.querySelector(selector);
            if (element) return element;
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error(`no ${selector}`);
    };
    const type = (input, value) => {
        input.value = value;
        input.dispatchEvent(new Event("input", {bubbles: true}));
        input.dispatchEvent(new Event("change", {bubbles: true}));
    };
    type(await wait(".o_traceability_scanner_code"), %(code)s);
    (await wait(".o_traceability_scanner_scan")).click();
    await wait(".o_traceability_scanner_lot");
    if (%(fail)s) {
        const point = document.querySelector(".o_traceability_scanner_point");
        if (point) point.click();
        const form = await wait(".o_traceability_scanner_form");
        await new Promise((resolve) => setTimeout(resolve, 300));
        for (const input of form.querySelectorAll("input[inputmode='decimal']")) {
            type(input, %(measure)s);
        }
        for (const button of form.querySelectorAll("button[data-verdict='fail']")) {
            button.click();
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
        (await wait(".o_traceability_scanner_submit")).click();
        await wait(".o_traceability_scanner_message.alert-danger");
    }
    document.activeElement && document.activeElement.blur();
    window.scrollTo(0, 0);
    document.querySelector(".o_traceability_scanner")?.scrollTo(0, 0);
    return true;
})()
"""

CLICK_JS = """
(async () => {
    const end = Date.now() + 20000;
    while (Date.now() < end) {
        const element = document.querySelector(%s);
        if (element) { element.click(); return true; }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("nothing to click");
})()
"""


def shot_trace(browser, odoo, state, short):
    browser.goto(
        f"{odoo.url}/odoo/action-stock.action_production_lot_form/{state['trace_lot_id']}"
    )
    browser.wait_for(".o_form_view .o_traceability_trace_button")
    browser.evaluate(CLICK_JS % json.dumps(".o_form_view .o_traceability_trace_button"))
    browser.wait_for(".o_field_widget[name='line_ids'] .o_data_row")


def shot_control_chart(browser, odoo, state, short):
    browser.goto(
        f"{odoo.url}/odoo/action-quality_traceability.traceability_spc_point_action"
    )
    browser.wait_for(".o_traceability_control_chart canvas")


def shot_recall(browser, odoo, state, short):
    browser.goto(
        f"{odoo.url}/odoo/action-recall_management.recall_recall_action/{state['recall_id']}"
    )
    browser.wait_for(".o_form_view .o_statusbar_status .o_arrow_button_current")
    # The scope the genealogy gave: lots, deliveries and customers.
    browser.evaluate(CLICK_JS % json.dumps(".o_notebook .nav-link[name='scope']"))
    browser.wait_for(".o_field_widget[name='scope_line_ids'] .o_data_row")


def shot_label_template(browser, odoo, state, short):
    browser.goto(
        f"{odoo.url}/odoo/action-label_printing.label_template_action/"
        f"{state['label_template_id']}"
    )
    browser.wait_for(".o_form_view .o_field_widget[name='preview_image'] img")


def shot_public_trace(browser, odoo, state, short):
    browser.goto(f"{odoo.url}/trace/{state['cup_trace_code']}")
    browser.wait_for(".o_traceability_card")


def shot_portal_recalls(browser, odoo, state, short):
    browser.goto(f"{odoo.url}/my/recalls")
    browser.wait_for("tr.o_recall_portal_row")


def shot_scanner(browser, odoo, state, short):
    """A failed final check of a kettle; the lookup alone if the screen
    cannot be driven that far."""
    url = f"{odoo.url}/odoo/action-quality_traceability.traceability_scanner_action"
    code = json.dumps(state["scanner_serials"][short])
    measure = json.dumps(str(state["leak_current"]))
    for fail in ("true", "false"):
        browser.goto(url)
        browser.wait_for(".o_traceability_scanner_code")
        try:
            browser.evaluate(
                SCAN_JS % {"code": code, "fail": fail, "measure": measure}, timeout=60
            )
        except ShotError as error:
            if fail == "false":
                raise
            print(f"    failed check not shown ({error}); the lookup instead")
            continue
        browser.wait_for(".o_traceability_scanner_lot")
        return


# name, function, viewport, who is logged in ("admin", "portal" or None)
SHOTS = [
    ("trace", shot_trace, DESKTOP, "admin"),
    ("control-chart", shot_control_chart, DESKTOP, "admin"),
    ("recall", shot_recall, DESKTOP, "admin"),
    ("label-template", shot_label_template, DESKTOP, "admin"),
    ("public-trace", shot_public_trace, PHONE, None),
    ("portal-recalls", shot_portal_recalls, DESKTOP, "portal"),
    # Last: its check changes the data of the other screens.
    ("scanner", shot_scanner, PHONE, "admin"),
]


def shoot(args):
    with open(args.state, encoding="utf-8") as state_file:
        state = json.load(state_file)
    os.makedirs(args.out, exist_ok=True)
    odoo = Odoo(args.url, args.db)
    odoo.wait_up()
    users = {
        "admin": ("admin", "admin"),
        "portal": (state["portal_login"], state["portal_password"]),
    }
    failures = []
    try:
        for name, function, viewport, user in SHOTS:
            if args.only and name not in args.only:
                continue
            for short, lang, header in LANGS:
                started = time.monotonic()
                path = os.path.join(args.out, f"{name}-{short}.png")
                cookies = []
                if user:
                    odoo.set_lang([users[user][0]], lang)
                    cookies = [odoo.session(*users[user])]
                # A browser of its own: nothing of the page before (its bus
                # worker, its storage) shows on this one.
                browser = Browser(args.chromium)
                try:
                    browser.setup(viewport, header, cookies)
                    function(browser, odoo, state, short)
                    if "/web/login" in browser.evaluate("location.href"):
                        raise ShotError("the login page is shown")
                    browser.screenshot(path)
                except ShotError as error:
                    failures.append(f"{name}-{short}: {error}")
                    print(f"  {name}-{short}: FAILED: {error}")
                    continue
                finally:
                    browser.close()
                print(
                    f"  {path}: {os.path.getsize(path) // 1024} KB, "
                    f"{time.monotonic() - started:.1f} s"
                )
    finally:
        odoo.set_lang([users["admin"][0], users["portal"][0]], "en_US")
    if failures:
        print("Failed shots:\n  " + "\n  ".join(failures))
        return 1
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    shoot_parser = sub.add_parser("shoot", help="take the screenshots")
    shoot_parser.add_argument("--url", required=True)
    shoot_parser.add_argument("--db", required=True)
    shoot_parser.add_argument("--state", required=True)
    shoot_parser.add_argument("--out", required=True)
    shoot_parser.add_argument(
        "--chromium", default=shutil.which("chromium") or "chromium"
    )
    shoot_parser.add_argument("--only", nargs="*", help="names of the shots to take")
    prepare_parser = sub.add_parser("prepare", help="add the data of the shots")
    prepare_parser.add_argument("--db", required=True)
    prepare_parser.add_argument("--state", required=True)
    args = parser.parse_args()
    if args.command == "prepare":
        sys.path.insert(0, os.path.join(PROJECT_DIR, "tests", "bench"))
        from odoo_env import odoo_env

        with odoo_env(args.db) as env:
            prepare(env, args.state)
        return 0
    return shoot(args)


if __name__ == "__main__":
    sys.exit(main())

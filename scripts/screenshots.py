"""Screenshots of every SuperOffice wizard step, taken by a real headless Chromium.

Starts the simulator, an Odoo 19 server on an existing database with the addon installed, sets
up a connection and a few partners over XML-RPC, then drives Chromium through the DevTools
protocol (clicks and typing as a user would) and saves PNGs under docs/screenshots/.

    ODOO_PYTHON=<python that imports Odoo 19>
    $ODOO_PYTHON scripts/screenshots.py --db so_w7 [--odoo $ODOO_PATH] [--port 18771]

Needs: the Odoo venv (websocket-client ships there), /usr/bin/chromium, PostgreSQL as in
odoo_env. The admin password of the database must be "admin".
"""

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
import xmlrpc.client
from pathlib import Path

import websocket

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
import odoo_env  # noqa: E402

from superoffice_sim import SimServer  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


class Browser:
    """Minimal DevTools client: navigate, wait for a selector, click, type, screenshot."""

    def __init__(self, chromium="/usr/bin/chromium", width=1366, height=900):
        self.profile = tempfile.mkdtemp(prefix="so-shots-")
        port = odoo_env.free_port()
        self.process = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
             f"--remote-debugging-port={port}", f"--window-size={width},{height}",
             f"--user-data-dir={self.profile}", "--remote-allow-origins=*", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json") as answer:
                    pages = [p for p in json.load(answer) if p["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=False)

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def js(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if result.get("exceptionDetails"):
            raise RuntimeError(result["exceptionDetails"])
        return result.get("result", {}).get("value")

    def goto(self, url):
        self.call("Page.navigate", url=url)
        time.sleep(1.0)

    def wait(self, selector, timeout=20.0):
        deadline = time.time() + timeout
        probe = f"!!document.querySelector({json.dumps(selector)})"
        while time.time() < deadline:
            if self.js(probe):
                time.sleep(0.4)  # let Owl finish rendering
                return
            time.sleep(0.1)
        raise TimeoutError(f"Nothing matches {selector}")

    def click(self, selector):
        self.wait(selector)
        self.js(f"document.querySelector({json.dumps(selector)}).click()")
        time.sleep(0.6)

    def type(self, selector, text):
        self.wait(selector)
        self.js(
            f"(() => {{ const el = document.querySelector({json.dumps(selector)});"
            f" el.focus(); el.value = {json.dumps(text)};"
            " el.dispatchEvent(new Event('input', {bubbles: true}));"
            " el.dispatchEvent(new Event('change', {bubbles: true})); })()"
        )
        time.sleep(0.3)

    def shot(self, name):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path = OUT / name
        path.write_bytes(base64.b64decode(data))
        print(f"saved {path.relative_to(ROOT)}")
        return path

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(10)


def start_odoo(args, pg):
    python = os.environ.get("ODOO_PYTHON", sys.executable)
    cmd = odoo_env.odoo_command(python, args.odoo) + [
        "--addons-path", odoo_env.addons_path(python, args.odoo),
        "-d", args.db, "--http-port", str(args.port), "--http-interface", "127.0.0.1",
        "--gevent-port", str(odoo_env.free_port()), "--workers", "0", "--max-cron-threads", "0",
        "--log-level", "warn", *odoo_env.db_args(pg),
    ]
    env = dict(os.environ, PYTHONPATH=f"{ROOT}:{os.environ.get('PYTHONPATH', '')}")
    process = subprocess.Popen(cmd, env=env)
    for _attempt in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/web/login", timeout=2)
            return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError("Odoo did not start")


def setup_data(url, db, sim):
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    uid = common.authenticate(db, "admin", "admin", {})
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(model, method, *args, **kw):
        return models.execute_kw(db, uid, "admin", model, method, list(args), kw)

    groups = [
        call("ir.model.data", "check_object_reference", "superoffice_connector", xmlid)[1]
        for xmlid in ("superoffice_connector_group_user", "superoffice_connector_group_admin")
    ]
    call("res.users", "write", [uid], {"group_ids": [(4, g) for g in groups]})
    old = call("superoffice.connection", "search", [])
    if old:
        call("superoffice.connection", "write", old, {"active": False})
    app = sim.app
    call("superoffice.connection", "create", {
        "name": f"SuperOffice demo {int(time.time())}", "environment": "sod",
        "base_url": sim.url, "tenant": "Cust12345",
        "auth_mode": "system_user", "client_id": app.client_id,
        "client_secret": app.client_secret, "system_token": app.system_token,
        "private_key": app.private_key_pem, "jwt_public_key": app.jwt_public_key_pem,
    })
    nordlys = sim.store.create("contact", {
        "Name": "Nordlys Maskin AS", "OrgNr": "NO 987 654 321", "Department": "Service",
        "Emails": [{"Value": "post@nordlys-maskin.no"}],
        "Phones": [{"Value": "+47 55 30 40 50", "Description": "Main"}],
        "Address": {"Postal": {"Address1": "Kaigaten 1", "City": "Bergen", "Zipcode": "5015"}},
    })
    sim.store.create("contact", {"Name": "Nordlys Bakeri", "Address": {"Postal": {"City": "Oslo"}}})
    stamp = int(time.time())
    partner = call("res.partner", "create", {
        "name": "Nordlys Maskin", "is_company": True, "vat": "987654321",
        "email": "ola@nordlys-maskin.no", "street": "Kaigaten 1", "city": "Tromsø",
        "zip": "5015", "phone": "+47 77 11 22 33",
    })
    lonely = call("res.partner", "create", {
        "name": f"Qwxz Fiskeri {stamp}", "is_company": True, "city": "Vardø",
    })
    return partner, lonely, nordlys["ContactId"], call


def run(args):
    OUT.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{args.port}"
    with odoo_env.postgres() as pg, SimServer(tenant="Cust12345", seed_companies=200,
                                               seed=1) as sim:
        odoo = start_odoo(args, pg)
        browser = None
        try:
            partner, lonely, nordlys_id, call = setup_data(url, args.db, sim)
            browser = Browser()
            browser.goto(f"{url}/web/login")
            browser.type("input[name=login]", "admin")
            browser.type("input[name=password]", "admin")
            browser.click("button[type=submit]")
            # The first page of a new database builds the web assets: allow for it.
            browser.wait(".o_main_navbar", timeout=180)
            # Connect: likely matches, quick search, advanced search, resolve, linked tab
            browser.goto(f"{url}/odoo/contacts/{partner}")
            browser.click(".o_notebook a[name='superoffice']")
            browser.click("button[name='action_superoffice_connect']")
            browser.wait(".modal .o_superoffice_hits .o_data_row")
            browser.shot("01_connect_likely_matches.png")
            browser.type(".modal .o_superoffice_search_text input", "")
            browser.click(".modal button.o_superoffice_search")
            browser.wait(".modal .o_field_widget[name='page_info'] span, "
                         ".modal .o_field_widget[name='page_info']")
            browser.shot("02_connect_blank_search_paged.png")
            browser.click(".modal div[name='advanced'] input")
            browser.type(".modal div[name='adv_name'] input", "Nordlys")
            browser.type(".modal div[name='adv_city'] input", "Bergen")
            browser.click(".modal button.o_superoffice_search_advanced")
            time.sleep(1)
            browser.shot("03_connect_advanced_search.png")
            browser.click(".modal .o_superoffice_hits .o_data_row button.o_superoffice_pick")
            browser.wait(".modal .o_superoffice_lines .o_data_row")
            browser.shot("04_connect_resolve.png")
            browser.click(".modal button.o_superoffice_connect_button")
            time.sleep(2)
            browser.wait(".oe_stat_button")
            browser.click(".o_notebook a[name='superoffice']")
            browser.shot("05_connected_superoffice_tab.png")
            # Disconnect confirmation (cancelled)
            browser.click("button[name='action_superoffice_disconnect']")
            browser.wait(".modal .o_superoffice_disconnect_confirm")
            browser.shot("06_disconnect_confirm.png")
            browser.click(".modal button.btn-secondary, .modal .btn-close")
            # No match -> Create in SuperOffice
            browser.goto(f"{url}/odoo/contacts/{lonely}")
            browser.click(".o_notebook a[name='superoffice']")
            browser.click("button[name='action_superoffice_connect']")
            browser.wait(".modal .o_superoffice_no_hit")
            browser.shot("07_no_match_create_offered.png")
            browser.click(".modal button.o_superoffice_create")
            browser.wait(".modal .o_superoffice_create_lines .o_data_row")
            browser.shot("08_create_in_superoffice.png")
            browser.click(".modal button.o_superoffice_create_confirm")
            time.sleep(2)
            browser.wait(".oe_stat_button")
            browser.shot("09_created_and_linked.png")
            # Sync now right after: the notification says what changed (here: nothing)
            browser.click(".o_notebook a[name='superoffice']")
            browser.click("button[name='action_superoffice_sync_now']")
            browser.wait(".o_notification")
            browser.shot("12_sync_now_report.png")
            # A conflict: the same field edited on both sides, then Sync now and Resolve
            sim.store.patch("contact", nordlys_id, {"Department": "Sales"})
            call("res.partner", "write", [partner], {"superoffice_department": "Purchasing"})
            browser.goto(f"{url}/odoo/contacts/{partner}")
            browser.click(".o_notebook a[name='superoffice']")
            browser.click("button[name='action_superoffice_sync_now']")
            browser.wait(".o_notification .o_notification_title, .o_notification")
            time.sleep(1)
            browser.shot("13_sync_now_conflict.png")
            browser.click("button[name='action_superoffice_resolve']")
            browser.wait(".modal .o_superoffice_lines .o_data_row")
            browser.shot("14_resolve_conflict.png")
            browser.click(".modal .btn-close")
            # Test connection: the status bar and the SuperOffice user change at once
            connection = call("superoffice.connection", "search", [("active", "=", True)],
                              limit=1)[0]
            browser.goto(f"{url}/odoo/action-superoffice_connector.superoffice_connection_action/"
                         f"{connection}")
            browser.click("button[name='action_test_connection']")
            browser.wait(".o_statusbar_status .o_arrow_button_current")
            time.sleep(1)
            browser.shot("15_test_connection.png")
            # Create in Odoo
            browser.goto(f"{url}/odoo/action-superoffice_connector.superoffice_import_wizard_action")
            browser.type(".modal div[name='search_text'] input", "Nordlys Bakeri")
            browser.click(".modal button.o_superoffice_import_search")
            browser.wait(".modal .o_data_row")
            browser.shot("10_create_in_odoo_search.png")
            browser.click(".modal .o_data_row button[name='action_pick']")
            time.sleep(1)
            browser.shot("11_create_in_odoo_values.png")
        finally:
            if browser:
                browser.close()
            odoo.terminate()
            odoo.wait(30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--odoo", default=os.environ.get("ODOO_PATH"))
    parser.add_argument("--port", type=int, default=18771)
    run(parser.parse_args())


if __name__ == "__main__":
    main()

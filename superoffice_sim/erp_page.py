"""A SuperOffice company screen with its ERP tab and the Connect to ERP dialog, at ``/_erp/``.

The page plays SuperOffice's user interface over :class:`.erp_engine.ErpSyncEngine`, so a person
(or a browser test) can do the Connect-to-ERP flow against a running Odoo: set up the connection
(connector URL with its key), open a company, ERP tab > Customer or Supplier > search (blank
lists everything) > pick a hit > choose the correct value of each differing field > Connect; or
Can't find match in ERP > Create > Create in ERP with editable values. Sync now runs one
periodic round. CRM companies are the simulator's seed companies (name, city, phone, e-mail).

JSON endpoints (all POST with a JSON body, answers JSON):
``/_erp/api/setup {url, company, allow_create}``, ``/_erp/api/state``,
``/_erp/api/search {actor_type, text}``, ``/_erp/api/differences {crm_key, actor_type, erp_key}``,
``/_erp/api/connect {crm_key, actor_type, erp_key, prefer}``,
``/_erp/api/create {crm_key, actor_type, values}``, ``/_erp/api/poll``.
"""

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from .erp_client import ErpClient
from .erp_engine import EngineError, ErpSyncEngine
from .errors import HttpError, NotFound
from .web import Response

PAGE = Path(__file__).with_name("erp_page.html")
FIELDS = ("NAME", "STREETCITY", "PHONE", "EMAIL")


def _first(items):
    return (items or [{}])[0].get("Value", "") if items else ""


class ErpDemo:
    """SuperOffice's side of one ERP connection, for the page."""

    def __init__(self, sim):
        self.sim = sim
        self.engine = None

    def crm_companies(self):
        store = self.sim.store
        result = {}
        for contact_id in sorted(store.ids("contact")):
            contact = store.get("contact", contact_id)
            street = (contact.get("Address") or {}).get("Street") or {}
            result[f"contact-{contact_id}"] = {
                "NAME": contact.get("Name", ""), "STREETCITY": street.get("City", ""),
                "PHONE": _first(contact.get("Phones")), "EMAIL": _first(contact.get("Emails")),
            }
        return result

    def setup(self, body):
        url = body["url"].strip()
        query = dict(parse_qsl(urlsplit(url).query))
        config = {"COMPANY": str(body.get("company") or "1"),
                  "ALLOWCREATE": "[I:1]" if body.get("allow_create", True) else "[I:0]",
                  "KEY": query.get("key", "")}
        engine = ErpSyncEngine(ErpClient(url, timeout=30), config)
        engine.set_up()
        for key, values in self.crm_companies().items():
            engine.crm.setdefault(key, values)
        self.engine = engine
        return {"ok": True, "guid": engine.guid}

    def _engine(self):
        if self.engine is None:
            raise HttpError(409, "Set up the ERP connection first.")
        return self.engine

    def state(self, _body=None):
        engine = self.engine
        companies = []
        for key, values in (engine.crm if engine else self.crm_companies()).items():
            link = engine.links.get(key) if engine else None
            companies.append({
                "key": key, "values": values,
                "link": link and {"actor_type": link.actor_type, "erp_key": link.erp_key,
                                  "values": link.base},
            })
        return {"configured": bool(engine),
                "allow_create": bool(engine) and engine.config.get("ALLOWCREATE") == "[I:1]",
                "companies": companies}

    def search(self, body):
        hits = self._engine().search(body["actor_type"], body.get("text", ""))
        return {"hits": [{"erp_key": h.erp_key, "values": h.field_values} for h in hits]}

    def differences(self, body):
        engine = self._engine()
        diff = engine.differences(body["actor_type"], body["erp_key"], engine.crm[body["crm_key"]])
        return {"differences": [{"key": k, "crm": c, "erp": e} for k, (c, e) in diff.items()]}

    def connect(self, body):
        engine = self._engine()
        engine.connect(body["crm_key"], body["actor_type"], body["erp_key"],
                       engine.crm[body["crm_key"]], prefer=body.get("prefer") or {})
        return {"ok": True}

    def create(self, body):
        engine = self._engine()
        values = {k: str(v) for k, v in (body.get("values") or {}).items() if k in FIELDS}
        engine.crm[body["crm_key"]].update(values)
        actor = engine.create_in_erp(body["crm_key"], body["actor_type"], engine.crm[body["crm_key"]])
        return {"ok": True, "erp_key": actor.erp_key}

    def poll(self, _body=None):
        return {"conflicts": [c.__dict__ for c in self._engine().poll()]}

    def handle(self, req):
        path = req.path.rstrip("/")
        if path in ("/_erp", "/_erp/index.html") and req.method == "GET":
            return Response(200, PAGE.read_bytes(), content_type="text/html")
        action = path[len("/_erp/api/"):] if path.startswith("/_erp/api/") else ""
        handler = {"setup": self.setup, "state": self.state, "search": self.search,
                   "differences": self.differences, "connect": self.connect,
                   "create": self.create, "poll": self.poll}.get(action)
        if handler is None or req.method != "POST":
            raise NotFound(f"No page {req.path}")
        body = json.loads(req.body or b"{}")
        try:
            return Response.json(handler(body))
        except EngineError as exc:
            return Response.json({"error": exc.answer.user_explanation or str(exc)}, 422)
        except (KeyError, ValueError, OSError) as exc:
            return Response.json({"error": f"{type(exc).__name__}: {exc}"}, 400)

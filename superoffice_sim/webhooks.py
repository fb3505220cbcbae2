"""Webhooks: `/api/v1/Webhook` definitions and signed deliveries on a background thread.

Deliveries follow the documented behaviour: POST of a small JSON payload with
`X-SuperOffice-Signature` = base64(HMAC-SHA256(secret, raw body)); up to three attempts per
event (retry delays configurable, 1 s and 4 s by default); any answer but 200 is a failure;
after 9 consecutive failures the webhook goes to state TooManyErrors and stops.
"""

import base64
import datetime as dt
import fnmatch
import hashlib
import heapq
import hmac
import http.client
import itertools
import json
import threading
import time
import uuid
from urllib.parse import urlparse

from . import refdata
from .errors import HttpError, NotFound, ValidationError

USER_AGENT = "NetServer-Webhook/8.8.6684.1719"
MAX_CONSECUTIVE_ERRORS = 9
STATES = ("Unknown", "Active", "Stopped", "TooManyErrors")


def _now_iso(precise=False):
    now = dt.datetime.now(dt.timezone.utc)
    if precise:
        return now.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"
    return now.strftime("%Y-%m-%dT%H:%M:%S")


def sign(secret, body):
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _loopback(host):
    return host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")


def _field_values(kind, rec):
    if kind == "projectmember":
        member, project = rec["member"], rec["project"]
        return {"contact_id": member["contact_id"], "mtype_idx": member["type_id"],
                "person_id": member["person_id"], "project_id": project["id"],
                "projectmember_id": member["id"], "registered": project["created"],
                "updated": project["updated"]}
    values = {"associate_id": rec.get("associate_id", 0), "registered": rec["created"],
              "registered_associate_id": rec["created_by"], "updated": rec["updated"] + "+00:00",
              "updated_associate_id": rec["updated_by"], "userdef_id": rec["id"],
              "userdef2_id": 0}
    if kind == "contact":
        values.update(activeInterests=0, business_idx=rec["business_id"],
                      category_idx=rec["category_id"], country_id=rec["country_id"],
                      deleted=rec["deleted"], DeletedDate=rec["deleted_date"], source=0)
    elif kind == "person":
        values.update(contact_id=rec["contact_id"], country_id=rec["country_id"],
                      deleted=rec["deleted"])
    else:
        values.update(activeLinks=0, done=rec["completed"], status_idx=rec["status_id"],
                      type_idx=rec["type_id"])
    return values


class Webhooks:
    def __init__(self, sim, retry_delays=(1.0, 4.0), timeout=5.0, test_on_create=True):
        self.sim = sim
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout
        self.test_on_create = test_on_create
        self.cond = threading.Condition()
        self.queue = []
        self.seq = itertools.count()
        self.busy = 0
        self.running = False
        self.thread = None
        # bumped by reset(): a delivery in flight during a reset must not touch the new
        # webhooks (ids restart at 1) nor record into the new delivery list
        self.generation = 0
        self.reset()

    # -- definitions -------------------------------------------------------------------------
    def reset(self):
        with self.cond:
            self.items, self.next_id, self.queue = {}, 1, []
            self.deliveries = []
            self.generation += 1
            self.cond.notify_all()

    def default(self):
        return {"WebhookId": 0, "Name": "", "Events": [], "TargetUrl": "", "Secret": "",
                "State": "Active", "Type": "webhook", "Headers": {}, "Properties": {},
                "Registered": "0001-01-01T00:00:00", "RegisteredAssociate": None,
                "Updated": "0001-01-01T00:00:00", "UpdatedAssociate": None, "ErrorsEmail": ""}

    def _view(self, hook):
        return {k: v for k, v in hook.items() if not k.startswith("_")}

    def list(self):
        with self.cond:
            return [self._view(h) for h in self.items.values()]

    def get(self, hook_id):
        with self.cond:
            hook = self.items.get(hook_id)
            if hook is None:
                raise NotFound(f"Webhook {hook_id} not found")
            return self._view(hook)

    def _validate(self, body, hook):
        if not isinstance(body, dict):
            raise ValidationError("body", "a webhook object is required")
        for key in ("Name", "TargetUrl", "Secret", "ErrorsEmail", "Type"):
            if key in body:
                hook[key] = body[key] if body[key] is not None else ""
        if "Events" in body:
            hook["Events"] = body["Events"]
        if "State" in body:
            if body["State"] not in STATES:
                raise ValidationError("State", f"unknown state {body['State']!r}")
            hook["State"] = body["State"]
            if body["State"] == "Active":
                hook["_errors"] = 0
        if not hook["Name"]:
            raise ValidationError("Name", "a webhook needs a name")
        events = hook["Events"]
        if not events or not isinstance(events, list) or not all(isinstance(e, str)
                                                                   for e in events):
            raise ValidationError("Events", "a non-empty list of event names is required")
        url = urlparse(hook["TargetUrl"] or "")
        if url.scheme != "https" and not (url.scheme == "http" and _loopback(url.hostname or "")):
            raise ValidationError("TargetUrl", "must be an https URL (http only for loopback)")

    def create(self, body, associate_id):
        hook = self.default()
        hook["_errors"] = 0
        self._validate(body, hook)
        if self.test_on_create:
            status, error = self._post_test(hook)
            if status != 200:
                raise HttpError(400, f"TargetUrl did not answer 200 to the test POST "
                                     f"({status or error})", FieldName="TargetUrl")
        with self.cond:
            hook["WebhookId"] = self.next_id
            self.next_id += 1
            hook["Registered"] = hook["Updated"] = _now_iso()
            hook["RegisteredAssociate"] = refdata.associate(associate_id)
            self.items[hook["WebhookId"]] = hook
            return self._view(hook)

    def update(self, hook_id, body, associate_id):
        with self.cond:
            hook = self.items.get(hook_id)
            if hook is None:
                raise NotFound(f"Webhook {hook_id} not found")
            updated = dict(hook)
            self._validate(body, updated)
            updated["Updated"] = _now_iso()
            updated["UpdatedAssociate"] = refdata.associate(associate_id)
            self.items[hook_id] = updated
            return self._view(updated)

    def delete(self, hook_id):
        with self.cond:
            if self.items.pop(hook_id, None) is None:
                raise NotFound(f"Webhook {hook_id} not found")

    # -- events ------------------------------------------------------------------------------
    def _context(self):
        return "Default" if self.sim.options["onsite"] else self.sim.tenant

    def on_event(self, event, kind, rec, associate_id, columns, _values=None):
        """Store listener: queue one delivery per active webhook subscribed to the event."""
        name = f"{kind}.{event}"
        if kind == "projectmember":
            rec = {"id": rec["id"], "member": next(
                (m for m in rec["project"]["members"] if m["id"] == rec["id"]),
                {"id": rec["id"], "contact_id": 0, "person_id": 0, "type_id": 0}),
                "project": rec["project"]}
        payload = {"EventId": "", "Timestamp": "", "Changes": columns, "Event": name,
                   "PrimaryKey": rec["id"], "Entity": kind,
                   "ContextIdentifier": self._context(), "ChangedByAssociateId": associate_id,
                   "WebhookName": ""}
        if event == "deleted":
            payload["Changes"] = []
            payload["Values"] = {"associate_id": rec.get("associate_id", 0),
                                 f"{kind}_id": rec["id"]}
        else:
            payload["FieldValues"] = _field_values(kind, rec)
        with self.cond:
            for hook in self.items.values():
                if hook["State"] == "Active" and any(
                        fnmatch.fnmatch(name, pattern.lower()) for pattern in hook["Events"]):
                    job = {"hook": hook["WebhookId"], "payload": dict(payload),
                           "event_id": str(uuid.uuid4()), "attempt": 0,
                           "generation": self.generation}
                    heapq.heappush(self.queue, (time.monotonic(), next(self.seq), job))
            self.cond.notify_all()

    # -- delivery thread ---------------------------------------------------------------------
    def start(self):
        with self.cond:
            if self.running:
                return
            self.running = True
        self.thread = threading.Thread(target=self._run, name="sim-webhooks", daemon=True)
        self.thread.start()

    def stop(self):
        with self.cond:
            self.running = False
            self.cond.notify_all()
        if self.thread:
            self.thread.join(timeout=self.timeout + 1)

    def wait_idle(self, timeout=10.0):
        """Block until no delivery is queued or in flight; True if idle in time."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while self.queue or self.busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(min(left, 0.05))
            return True

    def _run(self):
        while True:
            with self.cond:
                while self.running and (not self.queue or self.queue[0][0] > time.monotonic()):
                    wait = self.queue[0][0] - time.monotonic() if self.queue else None
                    self.cond.wait(wait)
                if not self.running:
                    return
                _, _, job = heapq.heappop(self.queue)
                hook = self.items.get(job["hook"])
                if hook is None or hook["State"] != "Active":
                    self.cond.notify_all()
                    continue
                self.busy += 1
                hook = dict(hook)
            status, error = None, "delivery failed"
            try:
                status, error = self._deliver(hook, job)
            finally:
                with self.cond:
                    self.busy -= 1
                    self._after(job, status, error)
                    self.cond.notify_all()

    def _after(self, job, status, error):
        hook = self.items.get(job["hook"])
        if hook is None or job["generation"] != self.generation:
            return
        if status == 200:
            hook["_errors"] = 0
            return
        hook["_errors"] = hook.get("_errors", 0) + 1
        if hook["_errors"] >= MAX_CONSECUTIVE_ERRORS:
            hook["State"] = "TooManyErrors"
            self.queue = [q for q in self.queue if q[2]["hook"] != job["hook"]]
            heapq.heapify(self.queue)
            return
        if job["attempt"] < len(self.retry_delays):
            delay = self.retry_delays[job["attempt"]]
            retry = dict(job, attempt=job["attempt"] + 1)
            heapq.heappush(self.queue, (time.monotonic() + delay, next(self.seq), retry))

    def _post(self, hook, body, headers):
        """POST with http.client so header names go out exactly as documented."""
        url = urlparse(hook["TargetUrl"])
        conn_class = http.client.HTTPSConnection if url.scheme == "https" else \
            http.client.HTTPConnection
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        conn = conn_class(url.hostname, url.port, timeout=self.timeout)
        try:
            conn.request("POST", path, body=body, headers=headers)
            answer = conn.getresponse()
            answer.read()
            return answer.status, None
        except (OSError, http.client.HTTPException) as exc:
            return None, f"{type(exc).__name__}: {exc}"
        finally:
            conn.close()

    def _headers(self, hook, body, event, event_id, attempt):
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
                   "X-Superoffice-Event": event, "X-Superoffice-Eventid": event_id,
                   "X-SuperOffice-Retry": str(attempt)}
        if hook.get("Secret"):
            headers["X-SuperOffice-Signature"] = sign(hook["Secret"], body)
        return headers

    def _deliver(self, hook, job):
        payload = dict(job["payload"], EventId=job["event_id"], Timestamp=_now_iso(True),
                       WebhookName=hook["Name"])
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = self._headers(hook, body, payload["Event"], job["event_id"], job["attempt"])
        status, error = self._post(hook, body, headers)
        with self.cond:
            if job["generation"] != self.generation:
                return status, error
            self.deliveries.append({"webhook_id": hook["WebhookId"], "event": payload["Event"],
                                    "event_id": job["event_id"], "attempt": job["attempt"],
                                    "status": status, "error": error, "headers": headers,
                                    "body": body})
        return status, error

    def test(self, body):
        """`POST Webhook/Test`: validate a definition and send it the test event now.

        Answers `{"Success", "Message"}` (SuperOffice's WebhookResult carrier); nothing is saved.
        """
        hook = self.default()
        self._validate(body, hook)
        status, error = self._post_test(hook)
        if status == 200:
            return {"Success": True, "Message": "Test POST answered 200 OK"}
        return {"Success": False, "Message": f"Test POST failed: {status or error}"}

    def _post_test(self, hook):
        event_id = str(uuid.uuid4())
        body = json.dumps({"EventId": event_id, "Timestamp": _now_iso(True), "Changes": [],
                           "Event": "test", "PrimaryKey": 0, "Entity": "test",
                           "ContextIdentifier": self._context(), "ChangedByAssociateId": 0,
                           "WebhookName": hook["Name"]}).encode()
        headers = self._headers(hook, body, "test", event_id, 0)
        headers["X-Hook-Test"] = "true"
        return self._post(hook, body, headers)

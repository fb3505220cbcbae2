"""Item 6: webhook definitions and signed deliveries."""

import base64
import hashlib
import hmac
import threading

import pytest
from sim_helpers import Api, Receiver

SECRET = "Something Super Secret"


def _register(api, receiver, events=("contact.*", "person.*", "project.*", "projectmember.*")):
    answer = api.post("Webhook", json={"Name": "Test hook", "Events": list(events),
                                       "TargetUrl": receiver.url, "Secret": SECRET,
                                       "State": "Active", "Type": "webhook"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_crud_and_default(api):
    default = api.get("Webhook/default").json()
    assert {"WebhookId", "Name", "Events", "TargetUrl", "Secret", "State", "Type", "Headers",
            "Properties", "Registered", "RegisteredAssociate", "Updated",
            "UpdatedAssociate"} <= set(default)
    with Receiver() as receiver:
        hook = _register(api, receiver)
        assert receiver.calls[0]["headers"]["X-Hook-Test"] == "true"
        assert api.get(f"Webhook/{hook['WebhookId']}").json()["Name"] == "Test hook"
        assert [h["WebhookId"] for h in api.get("Webhook").json()] == [hook["WebhookId"]]
        updated = api.put(f"Webhook/{hook['WebhookId']}", json={"Name": "Renamed"}).json()
        assert updated["Name"] == "Renamed"
        assert api.delete(f"Webhook/{hook['WebhookId']}").status_code == 204
        assert api.get(f"Webhook/{hook['WebhookId']}").status_code == 404


@pytest.mark.parametrize("url", ["http://example.com/hook", "ftp://127.0.0.1/x"])
def test_target_must_be_https_except_loopback(api, url):
    answer = api.post("Webhook", json={"Name": "x", "Events": ["contact.created"],
                                       "TargetUrl": url})
    assert answer.status_code == 400 and answer.json()["FieldName"] == "TargetUrl"


def test_registration_fails_when_target_does_not_answer_200(api):
    with Receiver(statuses=(500,)) as receiver:
        answer = api.post("Webhook", json={"Name": "x", "Events": ["contact.created"],
                                           "TargetUrl": receiver.url})
    assert answer.status_code == 400


def test_signed_delivery_with_documented_headers_and_payload(api, sim):
    with Receiver() as receiver:
        _register(api, receiver)
        api.patch("Contact/1", json={"Department": "Webhook dept"})
        assert sim.webhooks.wait_idle()
        call = [c for c in receiver.calls if c["headers"].get("X-Hook-Test") != "true"][0]
    headers, body = call["headers"], call["body"]
    expected = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest())
    assert headers["X-SuperOffice-Signature"] == expected.decode()
    assert headers["X-Superoffice-Event"] == "contact.changed"
    assert headers["X-SuperOffice-Retry"] == "0"
    assert headers["User-Agent"].startswith("NetServer-Webhook/")
    payload = receiver.events()[0]
    assert headers["X-Superoffice-Eventid"] == payload["EventId"]
    assert {"EventId", "Timestamp", "Changes", "Event", "PrimaryKey", "Entity",
            "ContextIdentifier", "ChangedByAssociateId", "WebhookName"} <= set(payload)
    assert payload["PrimaryKey"] == 1 and payload["Entity"] == "contact"
    assert payload["ContextIdentifier"] == sim.tenant
    assert payload["ChangedByAssociateId"] == sim.app.system_associate_id
    assert "department" in payload["Changes"] and "updated" in payload["Changes"]


def test_created_deleted_and_project_events(api, sim):
    with Receiver() as receiver:
        _register(api, receiver)
        contact = api.post("Contact", json={"Name": "Hook AS"}).json()["ContactId"]
        api.patch("Project/2", json={"Name": "Renamed project"})
        api.patch("Project/2", json={"ProjectMembers": [{"ContactId": contact}]})
        api.delete(f"Contact/{contact}")
        assert sim.webhooks.wait_idle()
        events = [(e["Event"], e["PrimaryKey"]) for e in receiver.events()]
    assert ("contact.created", contact) in events
    assert ("project.changed", 2) in events
    assert any(name == "projectmember.created" for name, _ in events)
    assert ("contact.deleted", contact) in events
    deleted = next(e for e in receiver.events() if e["Event"] == "contact.deleted")
    assert deleted["Changes"] == [] and deleted["Values"]["contact_id"] == contact


def test_no_event_for_phone_email_or_udef_only_changes(api, sim):
    with Receiver() as receiver:
        _register(api, receiver)
        before = api.get("Contact/1").json()["UpdatedDate"]
        api.patch("Contact/1", json={"Phones": [{"Value": "+47 99 99 99 99"}],
                                     "Emails": [{"Value": "new@example.com"}],
                                     "UserDefinedFields": {"SuperOffice:1": "K999"}})
        api.patch("Person/1", json={"MobilePhones": [{"Value": "+47 40 00 00 00"}]})
        api.patch("Contact/1", json={"Department": "Now an event"})
        assert sim.webhooks.wait_idle()
        events = receiver.events()
    assert api.get("Contact/1").json()["UpdatedDate"] > before  # polling still sees it
    assert [(e["Event"], e["PrimaryKey"]) for e in events] == [("contact.changed", 1)]


def test_retries_then_too_many_errors_after_nine_failures(api, sim):
    with Receiver(statuses=(200, 500)) as receiver:  # test POST ok, then always 500
        hook = _register(api, receiver, events=["contact.changed"])
        for n in range(3):
            api.patch("Contact/1", json={"Department": f"fail {n}"})
            assert sim.webhooks.wait_idle()
        deliveries = [c for c in receiver.calls if c["headers"].get("X-Hook-Test") != "true"]
        api.patch("Contact/1", json={"Department": "after stop"})
        assert sim.webhooks.wait_idle()
        after = [c for c in receiver.calls if c["headers"].get("X-Hook-Test") != "true"]
    assert len(deliveries) == 9 and len(after) == 9
    first_cycle = deliveries[:3]
    assert [c["headers"]["X-SuperOffice-Retry"] for c in first_cycle] == ["0", "1", "2"]
    assert len({c["headers"]["X-Superoffice-Eventid"] for c in first_cycle}) == 1
    assert api.get(f"Webhook/{hook['WebhookId']}").json()["State"] == "TooManyErrors"


def test_success_resets_the_error_count(api, sim):
    with Receiver(statuses=(200, 500, 500, 200)) as receiver:
        hook = _register(api, receiver, events=["contact.changed"])
        api.patch("Contact/1", json={"Department": "retry then ok"})
        assert sim.webhooks.wait_idle()
    retries = [c["headers"]["X-SuperOffice-Retry"] for c in receiver.calls[1:]]
    assert retries == ["0", "1", "2"]
    assert api.get(f"Webhook/{hook['WebhookId']}").json()["State"] == "Active"


def test_webhook_test_endpoint_posts_the_test_event_and_saves_nothing(api):
    with Receiver(statuses=(200, 500)) as receiver:
        body = {"Name": "Probe", "Events": ["contact.changed"], "TargetUrl": receiver.url,
                "Secret": SECRET}
        assert api.post("Webhook/Test", json=body).json()["Success"] is True
        failed = api.post("Webhook/Test", json=body).json()
    assert failed["Success"] is False and "500" in failed["Message"]
    assert [c["headers"]["X-Hook-Test"] for c in receiver.calls] == ["true", "true"]
    assert api.get("Webhook").json() == []
    bad = api.post("Webhook/Test", json={"Name": "x", "Events": ["contact.changed"],
                                        "TargetUrl": "http://example.com/hook"})
    assert bad.status_code == 400


def test_reset_drops_a_delivery_in_flight(api, sim):
    gate = threading.Event()
    with Receiver(statuses=(200, 500), gate=gate) as old:
        _register(api, old, events=["contact.changed"])
        api.patch("Contact/1", json={"Department": "in flight"})
        assert old.arrived.wait(5)
        sim.reset()  # webhook ids restart at 1 while the old delivery is still running
        with Receiver() as fresh:
            hook = _register(Api(sim), fresh, events=["contact.changed"])
            gate.set()  # the old delivery now fails with 500
            assert sim.webhooks.wait_idle()
            assert fresh.events() == []  # no retry of the old event reached the new hook
    assert sim.webhooks.deliveries == []
    assert Api(sim).get(f"Webhook/{hook['WebhookId']}").json()["State"] == "Active"
    assert sim.webhooks.items[hook["WebhookId"]]["_errors"] == 0

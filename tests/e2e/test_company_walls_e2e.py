"""End to end, company walls and the webhook's limits: a real Odoo 19 server, the simulator, and
odoorpc sessions of users of two companies.

* a company-B user's edits of company A's records (an imported one, and a contact of no company
  linked on company A's connection) never reach company A's SuperOffice, whatever they try over
  RPC, while company A's user's edit does;
* a flood of unsigned (and oversized) calls to company A's webhook address leaves the number of
  stored rows bounded, the refusals counted on the connection, and a signed delivery still
  accepted.

Same server set-up as ``test_end_to_end`` (its fixtures, a server of its own); skipped like it
when no Odoo 19 is found.
"""

import json
import uuid

import pytest
import requests
from test_end_to_end import (  # noqa: F401 - odoo and sim are fixtures of this module too
    ADDON,
    CLIENT_OPTIONS,
    TENANT,
    eventually,
    odoo,
    sim,
)

from superoffice_connector.api.webhooks import compute_signature

PASSWORD = "walls-e2e-password"
FLOOD = 200


@pytest.fixture(scope="module")
def walls(odoo, sim):  # noqa: F811
    """Company A (the main company) with a connection that imported SuperOffice's seed data,
    company B, and a SuperOffice user of each company."""
    params = "ir.config_parameter"
    odoo.call(params, "set_param", "web.base.url", odoo.url)
    odoo.call(params, "set_param", f"{ADDON}.client_options", CLIENT_OPTIONS)
    app = sim.app
    company_a = odoo.call("res.users", "read", [odoo.rpc.env.uid], ["company_id"])[0][
        "company_id"][0]
    company_b = odoo.call("res.company", "create", {"name": "Company B"})
    connection = odoo.call("superoffice.connection", "create", {
        "name": "Company A's SuperOffice", "company_id": company_a, "environment": "sod",
        "base_url": sim.url, "tenant": TENANT, "auth_mode": "system_user",
        "client_id": app.client_id, "client_secret": app.client_secret,
        "system_token": app.system_token, "private_key": app.private_key_pem,
        "webhook_secret": "walls-secret", "sync_import_new": True,
    })
    assert odoo.run_cron("superoffice_cron_pull") or eventually(
        lambda: odoo.run_cron("superoffice_cron_pull"))
    # Imported once; what SuperOffice gets later is linked by hand here.
    odoo.call("superoffice.connection", "write", [connection], {"sync_import_new": False})
    groups = [odoo.xmlid(name) for name in (
        "base.group_user", "base.group_partner_manager",
        f"{ADDON}.superoffice_connector_group_user",
    )]
    # a user's groups: group_ids on Odoo 19.0, groups_id on 18.0 (compat.GROUP_FIELD in the addon)
    group_field = next(iter(odoo.call("res.users", "fields_get", ["group_ids", "groups_id"])))
    users = {}
    for key, company in (("a", company_a), ("b", company_b)):
        odoo.call("res.users", "create", {
            "name": f"Walls user {key}", "login": f"walls_{key}", "password": PASSWORD,
            "company_id": company, "company_ids": [(6, 0, [company])],
            group_field: [(6, 0, groups)],
        })
        users[key] = session(odoo, f"walls_{key}")
    return {"connection": connection, "company_a": company_a, "company_b": company_b,
            **users}


def session(odoo, login):  # noqa: F811
    import odoorpc

    rpc = odoorpc.ODOO("127.0.0.1", port=odoo.port, timeout=120)
    rpc.login(odoo.db, login, PASSWORD)
    return rpc


def call(rpc, model, method, *args, **kwargs):
    return rpc.execute_kw(model, method, list(args), kwargs)


def refused(rpc, model, method, *args):
    """True when the call is refused (an RPC error), False when it went through."""
    import odoorpc.error

    try:
        call(rpc, model, method, *args)
    except odoorpc.error.RPCError:
        return True
    return False


def linked_partner(odoo, connection, so_id):  # noqa: F811
    (link,) = odoo.call("superoffice.link", "search_read", [
        ("connection_id", "=", connection), ("entity_type", "=", "company"), ("so_id", "=", so_id),
    ], fields=["partner_id", "state", "company_id"])
    return link


def test_a_company_b_user_never_changes_company_as_superoffice(odoo, sim, walls):  # noqa: F811
    connection = walls["connection"]
    imported_so_id = sim.store.ids("contact")[0]
    shared_so_id = sim.store.create("contact", {"Name": "Shared walls AS"})["ContactId"]
    imported = linked_partner(odoo, connection, imported_so_id)
    assert imported["company_id"][0] == walls["company_a"]
    # A contact of no company (visible to both companies) linked on company A's connection.
    shared = odoo.call("res.partner", "create", {"name": "Shared walls AS", "is_company": True})
    shared_link = odoo.call("superoffice.link", "create", {
        "connection_id": connection, "entity_type": "company", "so_id": shared_so_id,
        "partner_id": shared, "actor_type": "customer",
    })
    # Its first synchronization takes SuperOffice's values as the base.
    odoo.call("superoffice.connection", "write", [connection],
              {"conflict_policy": "superoffice_wins"})
    odoo.call("res.partner", "action_superoffice_sync_now", [shared])
    odoo.call("superoffice.connection", "write", [connection], {"conflict_policy": "manual"})
    departments = {so_id: sim.store.get("contact", so_id)["Department"]
                   for so_id in (imported_so_id, shared_so_id)}
    user_b = walls["b"]
    # The imported company is not even visible to company B's user.
    assert call(user_b, "res.partner", "search", [("id", "=", imported["partner_id"][0])]) == []
    assert refused(user_b, "res.partner", "write", [imported["partner_id"][0]],
                   {"superoffice_department": "B was here"})
    # The shared one is visible, but its synchronized fields are not B's to change.
    assert call(user_b, "res.partner", "search", [("id", "=", shared)]) == [shared]
    assert refused(user_b, "res.partner", "write", [shared],
                   {"superoffice_department": "B was here"})
    assert refused(user_b, "res.partner", "write", [shared], {"company_id": walls["company_b"]})
    # Nor can the link be taken over.
    assert refused(user_b, "superoffice.link", "write", [shared_link],
                   {"connection_id": connection})
    assert odoo.run_cron("superoffice_cron_push") or eventually(
        lambda: odoo.run_cron("superoffice_cron_push"))
    for so_id, department in departments.items():
        assert sim.store.get("contact", so_id)["Department"] == department
    # Company A's user edits the same record: that edit is pushed.
    call(walls["a"], "res.partner", "write", [shared], {"superoffice_department": "A was here"})
    assert eventually(
        lambda: sim.store.get("contact", shared_so_id)["Department"] == "A was here",
        nudge=lambda: odoo.run_cron("superoffice_cron_push"),
    ), odoo.read("superoffice.link", shared_link, ["state", "last_error", "conflict_fields"])


def test_a_flood_of_unsigned_webhook_calls_leaves_the_stored_rows_bounded(odoo, walls):  # noqa: F811
    connection = walls["connection"]
    url = f"{odoo.url}/superoffice/webhook/{connection}"
    before = odoo.call("superoffice.sync.event", "search_count", [])
    body = json.dumps({"EventId": "forged", "Event": "contact.changed", "PrimaryKey": 1,
                       "Entity": "contact", "ContextIdentifier": TENANT}).encode()
    statuses = set()
    with requests.Session() as http:
        for _call in range(FLOOD):
            statuses.add(http.post(url, data=body, timeout=30,
                                   headers={"Content-Type": "application/json"}).status_code)
        big = http.post(url, data=b"x" * (2 * 1024 * 1024), timeout=60,
                        headers={"Content-Type": "application/json"})
    assert statuses == {403}
    assert big.status_code == 413
    stored = odoo.call("superoffice.sync.event", "search_count", []) - before
    # One row per minute and process at most (this server has one process).
    assert 1 <= stored <= 3, stored
    counters = odoo.read("superoffice.connection", connection,
                         ["webhook_refused_count", "webhook_refused_at"])
    assert counters["webhook_refused_count"] >= 1 and counters["webhook_refused_at"], counters
    # A signed delivery still goes through.
    signed = json.dumps({"EventId": str(uuid.uuid4()), "Event": "contact.changed",
                         "PrimaryKey": 1, "Entity": "contact", "ContextIdentifier": TENANT,
                         "ChangedByAssociateId": 5}).encode()
    response = requests.post(url, data=signed, timeout=30, headers={
        "Content-Type": "application/json",
        "X-SuperOffice-Signature": compute_signature("walls-secret", signed),
    })
    assert response.status_code == 200

"""HTTP statuses map to typed exceptions with clear English messages."""

import time

import pytest
from api_helpers import make_client, oauth_auth, oauth_tokens

from superoffice_connector.api import (
    ForbiddenError,
    NotFoundError,
    SuperOfficeError,
    ValidationError,
)


def test_forbidden_is_not_retried_for_a_system_user(client, sim):
    client.contacts.get(1)
    fault = sim.faults.add("status", path=r"/Contact/2", status=403, count=1)
    with pytest.raises(ForbiddenError, match="Access denied on GET"):
        client.contacts.get(2)
    assert fault.hits == 1


def test_oauth_refreshes_once_on_403(sim):
    tokens = oauth_tokens(sim)
    saved = []
    auth = oauth_auth(sim, tokens, expires_at=time.time() + 3600, on_tokens=saved.append)
    with make_client(sim, auth=auth) as client:
        client.contacts.get(1)
        sim.faults.add("status", path=r"/Contact/2", status=403, count=1)
        assert client.contacts.get(2).id == 2
        sim.faults.add("status", path=r"/Contact/2", status=403, count=2)
        with pytest.raises(ForbiddenError):
            client.contacts.get(2)
    assert len(saved) == 2


def test_validation_error_message_and_fields(client):
    with pytest.raises(ValidationError) as info:
        client.persons.create({"Firstname": "No", "Lastname": "Company",
                               "Contact": {"ContactId": 999999}})
    assert info.value.status == 400 and info.value.fields
    assert "refused" in str(info.value) and "invalid" in str(info.value)


def test_not_found_names_the_request(client):
    with pytest.raises(NotFoundError) as info:
        client.projects.get(424242)
    assert "Project/424242" in str(info.value)
    assert isinstance(info.value, SuperOfficeError) and info.value.status == 404


def test_forbidden_by_rights_of_the_simulator(client, sim):
    sim.rights.set_readonly("contact", "OrgNr")
    company = client.contacts.get(1)
    assert company.can_update and company.readonly_fields == {"OrgNr"}
    with pytest.raises(ForbiddenError, match="OrgNr") as info:
        client.contacts.patch(1, {"OrgNr": "NO 123"})
    assert info.value.status == 403
    assert client.contacts.patch(1, {"Department": "Allowed"}).department == "Allowed"
    sim.rights.set_table("contact", "Select")
    assert not client.contacts.get(1).can_update
    with pytest.raises(ForbiddenError):
        client.contacts.delete(1)
    assert client.contacts.get(1).id == 1

"""WCF's default quotas: the helpers that keep answers within them, and the simulator's client
that refuses an answer like a default WCF client does."""

import pytest

from superoffice_connector import erp
from superoffice_connector.erp import envelope
from superoffice_connector.erp.carriers import ErpActor, Result
from superoffice_sim.erp_client import ErpClient
from superoffice_sim.erp_contract import QuotaExceeded


def test_string_length_counts_utf16_units_like_dotnet():
    assert envelope.string_length("aé") == 2
    assert envelope.string_length("\U0001f600") == 2  # one emoji, a surrogate pair
    assert not envelope.over_string_quota("x" * 8192)
    assert envelope.over_string_quota("x" * 8193)
    assert envelope.over_string_quota("\U0001f600" * 4097)


def test_long_values_are_left_out_whole_never_cut():
    actor = ErpActor("Project", "7", "s", field_values={"NAME": "Relaunch", "TEXT": "y" * 9000})
    assert envelope.leave_out_long_values(actor) == ["TEXT"]
    assert actor.field_values == {"NAME": "Relaunch"}


def test_item_sizes_add_up_to_the_answer():
    actors = [ErpActor("Customer", str(n), "s", field_values={"NAME": f"Æøå & <{n}>"})
              for n in range(5)]
    empty = len(erp.build_response("GetActors", Result(), []))
    full = len(erp.build_response("GetActors", Result(), actors))
    # an empty list is written as <a:Actors/>, a full one as <a:Actors>...</a:Actors>
    assert full - empty == sum(envelope.item_sizes("actors", actors)) + len("</a:Actors>") - 1
    items = {"NO": "Norge", "SE": "Sverige & co"}
    assert envelope.first_items("dict", items, 1) == {"NO": "Norge"}


def test_the_client_refuses_an_answer_over_the_message_quota():
    actors = [ErpActor("Customer", str(n), "s", field_values={"NAME": "n" * 1000})
              for n in range(70)]
    body = erp.build_response("GetActors", Result(), actors)
    assert len(body) > 65536
    with pytest.raises(QuotaExceeded, match="MaxReceivedMessageSize"):
        ErpClient("http://unused").parse("GetActors", 200, body)
    assert len(ErpClient("http://unused", max_received=len(body)).parse(
        "GetActors", 200, body).payload) == 70


def test_the_client_refuses_a_string_over_the_string_quota():
    body = erp.build_response("GetActors", Result(), [
        ErpActor("Project", "1", "s", field_values={"TEXT": "t" * 8193})])
    with pytest.raises(QuotaExceeded, match="MaxStringContentLength"):
        ErpClient("http://unused").parse("GetActors", 200, body)


def test_explanations_are_clipped_not_data():
    body = erp.build_response("TestConnection", Result("Error", "e" * 20000, "t" * 20000))
    answer = ErpClient("http://unused").parse("TestConnection", 200, body)
    assert answer.state == "Error" and answer.user_explanation.startswith("eee")

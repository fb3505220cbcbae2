"""Item 7: fault injection, every kind, targeting by path/method, count and rate."""

import json

import pytest
import requests

from superoffice_sim import SimServer


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_for_count_then_normal(api, sim, status):
    fault = sim.faults.add("status", path=r"/Contact/2$", status=status, count=2)
    assert [api.get("Contact/2").status_code for _ in range(3)] == [status, status, 200]
    assert api.get("Contact/1").status_code == 200  # other paths untouched
    assert fault.hits == 2 and fault not in sim.faults.items


def test_429_with_and_without_retry_after(api, sim):
    sim.faults.add("status", status=429, retry_after=7, count=1)
    first = api.get("Contact/1")
    assert first.status_code == 429 and first.headers["Retry-After"] == "7"
    sim.faults.add("status", status=429, count=1)
    second = api.get("Contact/1")
    assert second.status_code == 429 and "Retry-After" not in second.headers


def test_method_filter(api, sim):
    sim.faults.add("status", status=503, method="PATCH")
    assert api.get("Contact/1").status_code == 200
    assert api.patch("Contact/1", json={"Department": "x"}).status_code == 503


def test_latency_delays_but_answers(api, sim):
    fault = sim.faults.latency(0.05, count=1)
    assert api.get("Contact/1").json()["ContactId"] == 1
    assert fault.hits == 1


def test_connection_reset(api, sim):
    sim.faults.reset(count=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        api.get("Contact/1")
    assert api.get("Contact/1").status_code == 200


def test_hang_until_client_timeout(api, sim):
    fault = sim.faults.hang(seconds=5, count=1)
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.get("Contact/1", timeout=0.3)
    sim.faults.clear()  # releases the held connection at once
    assert fault.hits == 1
    assert api.get("Contact/1").status_code == 200


def test_truncated_json(api, sim):
    sim.faults.truncate(count=1)
    answer = api.get("Contact/1")
    assert answer.status_code == 200
    assert len(answer.content) == int(answer.headers["Content-Length"])
    with pytest.raises(ValueError):
        json.loads(answer.content)


def test_malformed_json(api, sim):
    sim.faults.malformed(count=1)
    answer = api.get("Contact", params={"$top": "2"})
    assert answer.status_code == 200
    with pytest.raises(ValueError):
        answer.json()


def test_expire_tokens_mid_run(api, sim):
    sim.faults.add("expire_tokens", path=r"\$skip=10", count=1)
    assert api.get("Contact", params={"$top": "10", "$skip": "0"}).status_code == 200
    assert api.get("Contact", params={"$top": "10", "$skip": "10"}).status_code == 401


def test_move_tenant_fault_gives_421_then_new_endpoint(api, sim):
    old = sim.api_base
    sim.faults.add("move_tenant", path=r"/Contact/3", count=1)
    assert api.get("Contact/3").status_code == 421  # this request used the old base
    state = requests.get(f"{sim.url}/api/state/{sim.tenant}", timeout=5).json()
    assert state["Api"] + "/v1/" == sim.api_base != old


def test_rate_fires_some_not_all_and_repeatably(api, sim):
    def run():
        sim.faults.clear()
        fault = sim.faults.status(503, rate=0.5)
        return [api.get("Contact/1").status_code for _ in range(40)], fault

    codes, fault = run()
    assert 0 < codes.count(503) < 40 and fault.hits == codes.count(503)
    assert run()[0] == codes  # seeded generator: same pattern after clear()


def test_default_target_is_data_urls_only(sim):
    sim.faults.status(503)
    assert requests.get(f"{sim.url}/api/state/{sim.tenant}", timeout=5).status_code == 200


def test_unknown_kind_is_refused(sim):
    with pytest.raises(ValueError):
        sim.faults.add("explode")


def test_faults_configured_at_start_and_switched_over_http():
    spec = {"kind": "status", "status": 502, "count": 1}
    with SimServer(seed_companies=2, dev_ticket="DEV", faults=[spec]) as local:
        url = local.api_base + "Contact/1"
        auth = {"Authorization": "SOTicket DEV"}
        assert requests.get(url, headers=auth, timeout=5).status_code == 502
        assert requests.get(url, headers=auth, timeout=5).status_code == 200
        added = requests.post(f"{local.url}/_sim/faults", json={"kind": "status", "status": 503},
                              timeout=5)
        assert added.status_code == 200
        assert requests.get(url, headers=auth, timeout=5).status_code == 503
        requests.delete(f"{local.url}/_sim/faults", timeout=5)
        assert requests.get(url, headers=auth, timeout=5).status_code == 200
        moved = requests.post(f"{local.url}/_sim/move_tenant", timeout=5).json()["api_base"]
        assert requests.get(url, headers=auth, timeout=5).status_code == 421
        assert requests.get(moved + "Contact/1", headers=auth, timeout=5).status_code == 200
        local.reset()  # initial faults come back with reset
        assert requests.get(url, headers=auth, timeout=5).status_code == 502

"""Change feed: records updated after a watermark, in batches, with bounded requests."""

from datetime import datetime, timedelta, timezone

from superoffice_connector.api.parsing import parse_datetime


def _latest(sim, kind):
    return max(parse_datetime(sim.store.get(kind, i)["UpdatedDate"]) for i in sim.store.ids(kind))


def test_changed_contacts_after_watermark(client, sim):
    watermark = _latest(sim, "contact")
    for cid in (3, 5, 8):
        sim.store.patch("contact", cid, {"Department": f"changed {cid}"})
    feed = client.changes("contact", since=watermark, overlap=0)
    batches = list(feed)
    assert sorted(r.id for b in batches for r in b) == [3, 5, 8]
    assert feed.started_at <= datetime.now(timezone.utc)
    assert "updatedDate afterTime" in str(feed.filter)


def test_overlap_reaches_back(client, sim):
    watermark = _latest(sim, "contact")
    sim.store.patch("contact", 2, {"Department": "x"})
    stamp = parse_datetime(sim.store.get("contact", 2)["UpdatedDate"])
    late = stamp + timedelta(seconds=1)
    assert [r.id for b in client.changes("contact", since=late, overlap=0) for r in b] == []
    with_overlap = client.changes("contact", since=late, overlap=timedelta(seconds=5))
    assert 2 in {r.id for b in with_overlap for r in b}
    assert watermark < stamp


def test_person_feed_uses_person_updated_date(client, sim):
    watermark = _latest(sim, "person")
    sim.store.patch("person", 4, {"Title": "Dr"})
    feed = client.changes("person", since=watermark, overlap=0, select=("fullName",))
    rows = [r for b in feed for r in b]
    assert [r.id for r in rows] == [4]
    assert "personUpdatedDate afterTime" in str(feed.filter)
    assert set(rows[0]) >= {"fullName", "personId", "personUpdatedDate"}


def test_project_feed(client, sim):
    watermark = _latest(sim, "project")
    created = client.projects.create({"Name": "Feed project"})
    assert [r.id for b in client.changes("project", since=watermark, overlap=0) for r in b] == [
        created.id]


def test_batches_and_request_bound(client, sim):
    watermark = _latest(sim, "contact")
    changed = sorted(sim.store.ids("contact"))[:13]
    for cid in changed:
        sim.store.patch("contact", cid, {"Department": "bulk"})
    client.contacts.get(1)  # discovery and login out of the way
    feed = client.changes("contact", since=watermark, overlap=0, batch_size=5)
    batches = [[r.id for r in b] for b in feed]
    assert [len(b) for b in batches] == [5, 5, 3]
    assert sum(batches, []) == changed
    assert feed.requests == 13 // 5 + 1  # floor(N / batch) + 1


def test_since_none_is_everything(client, sim):
    rows = [r for b in client.changes("contact", since=None) for r in b]
    assert len(rows) == len(sim.store.ids("contact"))

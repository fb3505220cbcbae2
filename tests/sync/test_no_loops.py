"""Property test: random edits on both sides, sync runs, duplicated and lost webhook deliveries and
crashes between the remote write and the snapshot save never lose an edit, never ping-pong, and
converge once the edits stop. An edit is lost when a sync overwrites a value edited since the two
sides last agreed without reporting an automatic choice; the test keeps that record itself.

Odoo is modelled by its canonical values, SuperOffice by its entity JSON behind the real
transforms, with a server that stores phones in its own format (an echo that differs cosmetically).
"""

import os
import re

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from superoffice_connector.sync.canonical import equal
from superoffice_connector.sync.compare import apply_choices, connect_rows
from superoffice_connector.sync.mapping import FieldMap, by_key
from superoffice_connector.sync.merge import POLICIES, in_flight, recover_base, three_way
from superoffice_connector.sync.transforms import from_superoffice, to_superoffice_patch

FIELDS = (
    FieldMap("name", "Name", "name", "Name"),
    FieldMap("city", "City", "city", "Address.Postal.City"),
    FieldMap("phone", "Phone", "phone", "Phones[!Mobile]", transform="phone"),
    FieldMap("mobile", "Mobile", "superoffice_mobile", "Phones[Mobile]", transform="phone"),
    FieldMap("number", "Number", "ref", "Number1", direction="to_odoo"),
    FieldMap("vat", "VAT", "vat", "OrgNr", direction="to_so"),
    FieldMap("contact", "Contact", "contact_name", "Firstname+MiddleName+Lastname"),
)
BY_KEY = by_key(FIELDS)
OURS, USER = 1, 2  # associate ids: the connection's, a SuperOffice user's
# SuperOffice users edit every field, also those Odoo is the source of.
SO_UI = tuple(FieldMap(f.key, f.label, f.odoo_field, f.so_field, "both", f.transform)
              for f in FIELDS)

_texts = st.sampled_from([None, "", "Oslo", " oslo", "Bergen", "Ski  AS", "Ski AS", "Å"])
_phones = st.sampled_from([None, "22 11", "2211", "+47 22 11 00", "004722 1100", "+46 1"])
_names = st.sampled_from([None, "Marie De Greeve", "marie de greeve", "Marie  Dupont",
                          "Jan Olav Berg", "Berg"])
_values = {"name": _texts, "city": _texts, "phone": _phones, "mobile": _phones,
           "number": _texts, "vat": _texts, "contact": _names}
_edit = st.sampled_from(sorted(_values)).flatmap(lambda k: st.tuples(st.just(k), _values[k]))


def _server_format(value):
    digits = re.sub(r"\D", "", value or "")
    plus = "+" if (value or "").strip().startswith("+") else ""
    return plus + " ".join(digits[i:i + 2] for i in range(0, len(digits), 2))


def _apply_merge_patch(target, patch):
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _apply_merge_patch(target[key], value)
        else:
            target[key] = value


class SyncMachine(RuleBasedStateMachine):
    @initialize(policy=st.sampled_from(POLICIES), odoo_edits=st.lists(_edit, max_size=4),
                so_edits=st.lists(_edit, max_size=4))
    def connect(self, policy, odoo_edits, so_edits):
        self.policy = policy
        self.odoo = {f.key: None for f in FIELDS}
        self.so = {"ContactId": 1, "Updated": 0, "UpdatedBy": OURS,
                   "Name": "", "OrgNr": "", "Number1": "", "Phones": [],
                   "Firstname": "", "MiddleName": "", "Lastname": "",
                   "Address": {"Postal": {"City": ""}, "Street": {"City": "Street side"}}}
        for key, value in odoo_edits:
            self.odoo[key] = value
        for key, value in so_edits:
            self._so_write(to_superoffice_patch("company", {key: value}, SO_UI, self.so), USER)
        applied = apply_choices(connect_rows(self.odoo, self._so_values(), FIELDS, policy))
        self._so_write(to_superoffice_patch("company", applied.to_so, FIELDS, self.so))
        self.odoo.update(applied.to_odoo)
        self.base = applied.base
        self.deliveries = 0
        self.last = None
        self.flight = None  # the link's record of a SuperOffice write in flight
        self.agreed = {}  # the test's own record: the value both sides last held together
        self._agree()
        assert set(self.agreed) == set(BY_KEY), "connect left the sides different"

    # --- the two systems ---------------------------------------------------------------------

    def _so_values(self):
        return from_superoffice("company", self.so, FIELDS)

    def _so_write(self, patch, by=OURS):
        _apply_merge_patch(self.so, patch)
        self.so["Updated"] += 1  # SuperOffice's change stamp: when and by whom
        self.so["UpdatedBy"] = by
        for phone in self.so.get("Phones", []):
            phone["Value"] = _server_format(phone["Value"])

    def _agree(self):
        so = self._so_values()
        for f in FIELDS:
            if equal(f, self.odoo[f.key], so[f.key]):
                self.agreed[f.key] = so[f.key]

    def _sync(self, crash=False, patch_lost=False):
        """One run. ``crash``: the process dies after the PATCH left (``patch_lost``: it never
        reached SuperOffice, a timeout), before the Odoo transaction commits."""
        odoo, so = dict(self.odoo), self._so_values()
        stamp = (self.so["Updated"], self.so["UpdatedBy"])
        base = recover_base(self.base, self.flight, so, stamp, FIELDS)
        result = three_way(base, odoo, so, FIELDS, self.policy)
        decided = {d.key for d in result.decisions}
        for writes, before in ((result.to_odoo, odoo), (result.to_so, so)):
            for key, value in writes.items():
                f = BY_KEY[key]
                # never overwrite an edit silently: the side written still had the base value
                assert key in decided or equal(f, before[key], base[key]), key
                # ... and the base is right: the side was not edited since the two last agreed
                edited = not equal(f, before[key], self.agreed[key])
                assert key in decided or not edited or equal(f, value, before[key]), (
                    f"edit of {key} lost")
        for key in result.to_odoo:
            assert BY_KEY[key].writes_odoo
        for key in result.to_so:
            assert BY_KEY[key].writes_so
        self._check_choices(result, odoo, so, base)
        if result.to_so:
            self.flight = in_flight(base, result, stamp, OURS)  # committed before the PATCH
            if not (crash and patch_lost):
                self._so_write(to_superoffice_patch("company", result.to_so, FIELDS, self.so))
        if crash:  # the Odoo transaction (Odoo writes + new base) is rolled back
            if result.to_so:  # its record in flight keeps what the two sides agreed on
                self._agree()  # (a run that stored nothing left nothing, like no run at all)
            return None
        self.odoo.update(result.to_odoo)
        self.base, self.flight = result.new_base, None
        self._agree()
        self.last = result
        again = three_way(self.base, self.odoo, self._so_values(), FIELDS, self.policy)
        assert not again.changed, "ping-pong"
        assert not again.decisions
        # the base moved with every write: nothing left to settle but the open conflicts
        assert set(again.status.values()) <= {"unchanged", "conflict"}, again.status
        assert {c.key for c in again.conflicts} == {c.key for c in result.conflicts}
        return result

    def _check_choices(self, result, odoo, so, base):
        """A conflict or an automatic choice only where the two sides really differ, each
        choice allowed by the policy or the field's direction, and only over real edits."""
        for c in result.conflicts:
            assert not equal(BY_KEY[c.key], c.odoo, c.so), c
        for d in result.decisions:
            f, has_base = BY_KEY[d.key], base is not None and d.key in base
            assert not equal(f, odoo[d.key], so[d.key]), d
            if d.status == "source_wins":
                overwritten = so if f.direction == "to_so" else odoo
                assert f.direction in ("to_so", "to_odoo"), d
                assert not has_base or not equal(f, overwritten[d.key], base[d.key]), d
            else:
                assert d.status == self.policy, d
                assert not has_base or not (equal(f, odoo[d.key], base[d.key])
                                            or equal(f, so[d.key], base[d.key])), d

    # --- rules -------------------------------------------------------------------------------

    @rule(edit=_edit)
    def edit_odoo(self, edit):
        key, value = edit
        self.odoo[key] = value

    @rule(edit=_edit)
    def edit_superoffice(self, edit):
        key, value = edit
        self._so_write(to_superoffice_patch("company", {key: value}, SO_UI, self.so), USER)
        self.deliveries += 1  # the webhook (not sent for phone-only edits; polling covers those)

    @rule()
    def deliver_webhook(self):
        if self.deliveries:
            self.deliveries -= 1
            self._sync()

    @rule()
    def duplicate_delivery(self):
        if self.deliveries:
            self._sync()
            self._sync()

    @rule()
    def lose_delivery(self):
        if self.deliveries:
            self.deliveries -= 1

    @rule()
    def poll(self):
        self._sync()

    @rule()
    def crash_after_remote_write(self):
        self._sync(crash=True)

    @rule()
    def crash_with_the_remote_write_lost(self):
        self._sync(crash=True, patch_lost=True)

    @rule()
    def stop_editing_and_settle(self):
        self._settle()

    @invariant()
    def superoffice_keeps_unmanaged_data(self):
        assert self.so["Address"]["Street"] == {"City": "Street side"}

    def _settle(self):
        first = self._sync()
        second = self._sync()
        assert not second.changed and not second.decisions, "did not converge"
        conflicted = {c.key for c in second.conflicts}
        so = self._so_values()
        for f in FIELDS:
            assert f.key in conflicted or equal(f, self.odoo[f.key], so[f.key]), f.key
        for c in second.conflicts:
            assert equal(BY_KEY[c.key], c.odoo, self.odoo[c.key])
            assert equal(BY_KEY[c.key], c.so, so[c.key])
        if self.policy != "manual":
            assert not conflicted
        return first

    def teardown(self):
        if hasattr(self, "odoo"):
            self._settle()


SyncMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=25, deadline=None,
    # CI plays the same examples on every run, so a landing never depends on the draw; anywhere
    # else each run draws new ones (and `--hypothesis-seed=N` replays a draw).
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow],
)
TestSync = SyncMachine.TestCase

"""Answers that a default WCF client on SuperOffice's side accepts.

A WCF client refuses a message over ``MaxReceivedMessageSize`` (65,536 bytes by default) and a
string over ``MaxStringContentLength`` (8,192 characters), and the refusal fails the whole call.
So every answer is built here, within the connection's *answer size limit* (``answer_budget``,
default 60,000 bytes):

* a list of actors or list items is cut at an item boundary, never inside a value, and the
  answer says so with ``OkWithInfo`` (the periodic sync continues after the last record sent,
  a search asks to be refined);
* a single value over 8,192 characters (a long project description) is left out of that answer,
  never cut, and ``UserExplanation`` names it; SaveActors then never writes that field (see
  ``_erp_keep_unsent``), since SuperOffice never received Odoo's value and whatever it sends
  back for it (a blank, an old value) would overwrite it.
"""

from odoo import models
from odoo.tools import split_every

from .. import erp
from ..erp import carriers as c
from ..erp import envelope
from ..erp.carriers import Result
from ..erp.wire import OPERATIONS
from ..erp.wire import value as wire_value

LIST_KINDS = ("actors", "dict")
SEARCHES = ("SearchActors", "SearchActorByParent", "SearchActorsAdvanced")
# room kept for the envelope and an explanation while actors are read
ENVELOPE_RESERVE = 4096
MAX_NAMED = 10  # left-out values named in one explanation
# actors read per query: an answer of the default size limit holds about 30 companies (the first
# batch), one of a raised limit up to the Search limit (500)
FIRST_BATCH = 40
ACTOR_BATCH = 500


class SuperofficeErpAnswer(models.AbstractModel):
    """Part of ``superoffice.erp.connection`` (which inherits it)."""

    _name = "superoffice.erp.answer"
    _description = "SuperOffice ERP Sync answers within WCF's quotas"

    def _erp_budget(self):
        return self.sudo().answer_budget if self else self._fields["answer_budget"].default(self)

    def _erp_actors(self, actor, records, field_keys, room=None):
        """The actors of ``records`` in order, read in batches and only as many as can fit in
        one answer (``room`` bytes, by default the answer size limit), and one more that cannot
        (so that ``_erp_answer`` cuts and says so)."""
        room = self._erp_budget() if room is None else room
        actors, used = [], 0
        first, rest = records[:FIRST_BATCH], records[FIRST_BATCH:]
        for batch in [first] + list(split_every(ACTOR_BATCH, rest.ids, records.browse)):
            for item in actor.to_actors(batch, field_keys):
                self._erp_written(item)
                actors.append(item)
                used += item.size
                if used > room:
                    return actors
        return actors

    def _erp_written(self, actor):
        """``actor`` without its values over the string quota (named in ``left_out``), written
        once as a list item (``xml``, ``size`` in bytes)."""
        actor.left_out = [(actor.erp_key, key) for key in envelope.leave_out_long_values(actor)]
        actor.xml = envelope.actor_item(actor)
        actor.size = len(actor.xml.encode())
        return actor

    def _erp_answer(self, operation, result, payload):
        """The response bytes of ``operation``, within the answer size limit."""
        spec = OPERATIONS.get(operation, ({}, None))[1]
        kind = spec[1] if spec else None
        if result.state == c.ERROR or kind not in LIST_KINDS + ("actor",):
            return erp.build_response(operation, result, payload)
        left_out = self._erp_leave_out_long(kind, payload)
        if kind == "actor":
            return self._erp_answer_one(operation, result, payload, left_out)
        budget = self._erp_budget()
        total = len(payload)
        sizes = [a.size for a in payload] if kind == "actors" else envelope.item_sizes(kind, payload)
        base = len(erp.build_response(operation, self._erp_noted(result, left_out), []))
        count, used = 0, base
        for size in sizes:
            if used + size > budget:
                break
            used += size
            count += 1
        if count == 0 and total and kind == "actors":
            left_out += self._erp_shrink(payload[0], budget - base - ENVELOPE_RESERVE // 4)
            self._erp_written(payload[0])
            count = 1
        while True:
            noted = result if count == total else self._erp_cut_result(operation, result, count)
            body = erp.build_response(
                operation, self._erp_noted(noted, left_out),
                envelope.first_items(kind, payload, count),
                [a.xml for a in payload[:count]] if kind == "actors" else None)
            if len(body) <= budget or count <= 1:
                return body
            count -= 1

    def _erp_answer_one(self, operation, result, actor, left_out):
        budget = self._erp_budget()
        body = erp.build_response(operation, self._erp_noted(result, left_out), actor)
        if len(body) > budget and actor is not None:
            left_out += self._erp_shrink(actor, budget - (len(body) - envelope.item_sizes(
                "actors", [actor])[0]) - ENVELOPE_RESERVE // 4)
            body = erp.build_response(operation, self._erp_noted(result, left_out), actor)
        return body

    def _erp_leave_out_long(self, kind, payload):
        """Remove every value over the string quota; ``[(erp key or list item, field key)]``."""
        if kind == "dict":
            long_items = [key for key, text in payload.items()
                          if envelope.over_string_quota(text) or envelope.over_string_quota(key)]
            for key in long_items:
                del payload[key]
            return [(key[:40], "") for key in long_items]
        actors = [payload] if kind == "actor" else payload
        left_out = []
        for item in actors:
            if item is not None:
                if not hasattr(item, "xml"):
                    self._erp_written(item)
                left_out += item.left_out
        return left_out

    def _erp_shrink(self, actor, room):
        """Leave out the largest values of ``actor`` until it takes at most ``room`` bytes."""
        left_out = []
        while actor.field_values and envelope.item_sizes("actors", [actor])[0] > room:
            key = max(actor.field_values, key=lambda k: len(actor.field_values[k].encode()))
            del actor.field_values[key]
            left_out.append((actor.erp_key, key))
        return left_out

    def _erp_cut_result(self, operation, result, count):
        if operation == "GetActorsByTimestamp":
            text = self.env._(
                "More records changed than one answer holds: the oldest %(count)s are sent now, "
                "the others on the next synchronization.", count=count)
        elif operation in SEARCHES:
            text = self.env._("Only the first %(count)s records are shown; refine the search.",
                              count=count)
        else:
            text = self.env._(
                "Only %(count)s items fit in one answer (at most %(bytes)s bytes, the answer size "
                "limit of the ERP Sync connection in Odoo); ask for fewer.",
                count=count, bytes=self._erp_budget())
        return Result(c.OK_WITH_INFO, text,
                      f"cut at {count} by the answer budget; {result.tech_explanation}".strip("; "),
                      result.error_code)

    def _erp_noted(self, result, left_out):
        """``result`` with the values left out named in its explanation."""
        if not left_out:
            return result
        named = ", ".join(f"{key} ({erp_key})" if key else erp_key
                          for erp_key, key in left_out[:MAX_NAMED])
        if len(left_out) > MAX_NAMED:
            named += self.env._(" and %(count)s more", count=len(left_out) - MAX_NAMED)
        note = self.env._(
            "Left out of this answer, being longer than the %(chars)s characters SuperOffice "
            "accepts: %(values)s. Odoo keeps these values and SuperOffice does not change them.",
            chars=wire_value("max_string_content_length"), values=named)
        text = f"{result.user_explanation} {note}".strip()
        state = c.OK_WITH_INFO if result.state == c.OK else result.state
        return Result(state, text, f"{result.tech_explanation} long values left out".strip(),
                      result.error_code)

    def _erp_keep_unsent(self, actor, record, vals):
        """Drop from ``vals`` the fields whose Odoo value is too long to have been sent:
        SuperOffice never received it, so what it sends for them is no informed edit."""
        kept = []
        for spec in actor.fields:
            if spec.orm in vals and spec.key not in ("FIRSTNAME", "LASTNAME") and \
                    envelope.over_string_quota(actor.read_key(record, spec)):
                del vals[spec.orm]
                kept.append((str(record.id), spec.key))
        return kept

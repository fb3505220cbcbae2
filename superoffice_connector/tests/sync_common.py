"""Helpers of the synchronization tests (pull, push, conflicts, webhooks, errors, concurrency).

``SyncCase`` makes the client fail fast (few retries, short timeouts, no rate limit) through the
``superoffice_connector.client_options`` parameter, so fault-injection tests run in seconds, and
offers helpers that put a partner and a SuperOffice company in step the way the Connect wizard
leaves them.
"""

from .common import SuperOfficeCase


class SyncCase(SuperOfficeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.use_fast_client()
        cls.connection.write({"sync_batch_size": 50})

    # ------------------------------------------------------------------ records in step

    def paired_company(self, name="ACME AS", **so_values):
        """A SuperOffice company and a linked Odoo partner holding the same values."""
        contact = self.so_create_contact(name, **so_values)
        partner = self.create_company_partner(name)
        link = self.env["superoffice.link"].create({
            "connection_id": self.connection.id, "entity_type": "company",
            "so_id": contact["ContactId"], "partner_id": partner.id, "actor_type": "customer",
        })
        self.settle(link)
        return partner, link

    def paired_project(self, name="Website relaunch", **so_values):
        project_json = self.so_create_project(name, **so_values)
        project = self.create_project(name)
        link = self.env["superoffice.link"].create({
            "connection_id": self.connection.id, "entity_type": "project",
            "so_id": project_json["ProjectId"], "project_id": project.id,
        })
        self.settle(link)
        return project, link

    def settle(self, link):
        """First synchronization with SuperOffice's values taken (like Connect's defaults)."""
        policy = self.connection.conflict_policy
        self.connection.conflict_policy = "superoffice_wins"
        self.connection._sync_link(link)
        self.connection.conflict_policy = policy
        self.assertEqual(link.state, "linked")
        return link

    def so_edit_contact(self, so_id, associate_id=None, **values):
        """Edit a company in SuperOffice as a SuperOffice user (default) would."""
        kwargs = {"associate_id": associate_id} if associate_id else {}
        return self.sim.store.patch("contact", so_id, values, **kwargs)

    def last_run(self, kind=None):
        domain = [("connection_id", "=", self.connection.id)]
        if kind:
            domain.append(("kind", "=", kind))
        return self.env["superoffice.sync.run"].search(domain, limit=1)

import dataclasses

from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .. import compat
from ..sync import mapping as so_mapping


@tagged("post_install", "-at_install")
class TestFieldMapping(TransactionCase):
    def setUp(self):
        super().setUp()
        self.Mapping = self.env["superoffice.field.mapping"]

    def test_data_equals_the_sync_core_defaults(self):
        """The same, with the contacts' mobile field of the series (compat.PARTNER_MOBILE)."""
        for entity_type in so_mapping.ENTITY_TYPES:
            self.assertEqual(
                self.Mapping._field_maps(entity_type),
                tuple(dataclasses.replace(f, odoo_field=compat.partner_field(f.odoo_field))
                      for f in so_mapping.default_mapping(entity_type)),
                entity_type,
            )

    def test_defaults_pass_validation(self):
        for line in self.Mapping.search([]):
            self.assertEqual(line._problems(), [], line.key)

    def _line(self, **values):
        self._count = getattr(self, "_count", 0) + 1
        return self.Mapping.create({
            "entity_type": "company", "key": f"x_test_{self._count}", "label": "Test", "odoo_field": "city",
            "so_field": "Address.Postal.City", **values,
        })

    def test_unknown_odoo_field_refused(self):
        with self.assertRaisesRegex(ValidationError, "has no field"):
            self._line(odoo_field="x_does_not_exist")

    def test_type_must_fit(self):
        with self.assertRaisesRegex(ValidationError, "cannot hold"):
            self._line(transform="country")
        with self.assertRaisesRegex(ValidationError, "cannot hold"):
            self._line(odoo_field="user_id", transform="ref")
        self.assertTrue(self._line(odoo_field="country_id", transform="country"))

    def test_mandatory_superoffice_field_needs_a_direction(self):
        name = self.env.ref("superoffice_connector.superoffice_field_mapping_company_name")
        with self.assertRaisesRegex(ValidationError, "mandatory"):
            name.direction = "none"
        name.direction = "to_so"
        self.assertEqual(name.direction, "to_so")

    def test_direction_needs_the_fields_it_writes(self):
        with self.assertRaisesRegex(ValidationError, "no SuperOffice field"):
            self._line(so_field=False)
        with self.assertRaisesRegex(ValidationError, "no Odoo field"):
            self._line(odoo_field=False, direction="to_odoo")
        self.assertTrue(self._line(odoo_field=False, direction="to_so"))

    def test_edits_reach_the_sync_mapping(self):
        city = self.env.ref("superoffice_connector.superoffice_field_mapping_company_city")
        city.direction = "to_odoo"
        fmap = so_mapping.by_key(self.Mapping._field_maps("company"))["city"]
        self.assertEqual(fmap.direction, "to_odoo")
        self.assertNotIn("city", self.Mapping._odoo_fields_to_so("company"))
        city.active = False
        self.assertNotIn("city", so_mapping.by_key(self.Mapping._field_maps("company")))

    def test_key_unique_per_entity_type(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self._line(key="city")
            self.env.flush_all()

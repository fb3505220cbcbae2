"""Field mappings: which Odoo field pairs with which SuperOffice field, in which direction.

The records are loaded from the sync core's defaults (``data/superoffice_field_mapping_data.xml``
mirrors ``sync.mapping.default_mapping``) and are editable in Settings. :meth:`_field_maps` turns
the active ones into the core's ``FieldMap`` tuples.
"""

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from .. import compat
from ..sync import mapping as so_mapping
from ..sync.canonical import NORMALIZERS

ENTITY_MODELS = {"company": "res.partner", "person": "res.partner", "project": "project.project"}

# Odoo field types a transform can read and write (relational ones also name their comodel).
_TEXT = {"char", "text", "html", "selection"}
TRANSFORM_TYPES = {
    "text": _TEXT | {"many2one", "integer"},
    "multiline": {"char", "text", "html"},
    "email": {"char"},
    "phone": {"char"},
    "url": {"char"},
    "country": {("many2one", "res.country")},
    "date": {"date", "datetime"},
    "list_item": {"many2one", "many2many", "selection", "char"},
    "owner": {("many2one", "res.users")},
    "ref": {("many2one", "res.partner")},
    "members": {("many2many", "res.partner")},
    "int": {"integer"},
    "float": {"float", "monetary", "integer"},
    "bool": {"boolean"},
    "raw": None,
}


class SuperofficeFieldMapping(models.Model):
    _name = "superoffice.field.mapping"
    _description = "SuperOffice Field Mapping"
    _order = "entity_type, sequence, id"

    entity_type = fields.Selection(
        [("company", "Company"), ("person", "Person"), ("project", "Project")], required=True
    )
    key = fields.Char(required=True, help="Canonical key used by the synchronization.")
    label = fields.Char(required=True, translate=True)
    odoo_field = fields.Char(string="Odoo field", help="Technical name of the Odoo field.")
    so_field = fields.Char(
        string="SuperOffice field",
        help="Path in the SuperOffice entity, e.g. Name, Address.Postal.City, Phones[0], "
        "UserDefinedFields.SuperOffice:1.",
    )
    direction = fields.Selection(
        [
            ("both", "Both ways"),
            ("to_so", "Odoo → SuperOffice"),
            ("to_odoo", "SuperOffice → Odoo"),
            ("none", "Not synchronized"),
        ],
        required=True, default="both",
    )
    transform = fields.Selection(
        [(name, name.replace("_", " ").capitalize()) for name in NORMALIZERS],
        required=True, default="text",
    )
    show_in_search = fields.Boolean(string="Shown in search results")
    show_on_tab = fields.Boolean(string="Shown on the SuperOffice tab", default=True)
    mandatory_so = fields.Boolean(
        string="Mandatory in SuperOffice", help="SuperOffice refuses records without it."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _key_uniq = compat.Constraint(
        "UNIQUE(entity_type, key)", "Each field key is mapped once per entity type."
    )

    @api.constrains("entity_type", "odoo_field", "transform", "direction", "so_field",
                    "mandatory_so", "active")
    def _check_mapping(self):
        for line in self:
            problems = line._problems()
            if problems:
                raise ValidationError("\n".join(problems))

    # ------------------------------------------------------------------ CRUD (cache)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    # ------------------------------------------------------------------ business methods

    def _problems(self):
        """Translated problems of one mapping line (empty when valid)."""
        self.ensure_one()
        _ = self.env._
        problems = []
        model = self.env[ENTITY_MODELS[self.entity_type]]
        field = model._fields.get(self.odoo_field) if self.odoo_field else None
        if self.odoo_field and field is None:
            problems.append(_(
                "Field %(label)s: %(model)s has no field %(field)s.",
                label=self.label, model=model._name, field=self.odoo_field,
            ))
        elif field is not None and not self._type_fits(field):
            problems.append(_(
                "Field %(label)s: the Odoo field %(field)s (%(type)s) cannot hold %(transform)s "
                "values.",
                label=self.label, field=self.odoo_field, type=field.type,
                transform=self.transform,
            ))
        if self.mandatory_so and self.active and (self.direction == "none" or not self.so_field):
            problems.append(_(
                "Field %(label)s is mandatory in SuperOffice: it must be synchronized.",
                label=self.label,
            ))
        if self.direction in ("both", "to_so") and not self.so_field:
            problems.append(_(
                "Field %(label)s is sent to SuperOffice but has no SuperOffice field.",
                label=self.label,
            ))
        if self.direction in ("both", "to_odoo") and not self.odoo_field:
            problems.append(_(
                "Field %(label)s is written in Odoo but has no Odoo field.", label=self.label
            ))
        return problems

    def _type_fits(self, field):
        allowed = TRANSFORM_TYPES.get(self.transform)
        if allowed is None:
            return True
        return field.type in allowed or (field.type, field.comodel_name) in allowed

    def _to_field_map(self):
        self.ensure_one()
        return so_mapping.FieldMap(
            key=self.key,
            label=self.label,
            odoo_field=self.odoo_field or None,
            so_field=self.so_field or None,
            direction=self.direction,
            transform=self.transform,
            show_in_search=self.show_in_search,
            show_on_tab=self.show_on_tab,
            mandatory_so=self.mandatory_so,
        )

    @api.model
    def _field_maps(self, entity_type):
        """Active mapping of ``entity_type`` as a tuple of ``FieldMap`` (cached per registry and
        language: the labels are shown to the user, in the resolve step, on the SuperOffice
        tab and in chatter notes, so they are read in the user's language)."""
        return self._field_maps_cached(entity_type, self.env.lang or "en_US")

    @tools.ormcache("entity_type", "lang")
    def _field_maps_cached(self, entity_type, lang):
        lines = self.sudo().with_context(active_test=True, lang=lang).search(
            [("entity_type", "=", entity_type)]
        )
        return tuple(line._to_field_map() for line in lines)

    @api.model
    def _odoo_fields_to_so(self, entity_type):
        """Odoo field names whose change must be pushed to SuperOffice."""
        return frozenset(f.odoo_field for f in self._field_maps(entity_type) if f.writes_so)

    @api.model
    def _superoffice_use_series_fields(self):
        """Called by the mapping data on install: where the Odoo series gives contacts a mobile
        field of their own (18.0), the mobile rows pair with it (``compat.PARTNER_MOBILE``)."""
        if compat.PARTNER_MOBILE != compat.OWN_MOBILE:
            self.search([("odoo_field", "=", compat.OWN_MOBILE)]).write(
                {"odoo_field": compat.PARTNER_MOBILE}
            )

    @api.model
    def _default_values(self, entity_type):
        """Create values of the sync core's default mapping (used by the data and the reset)."""
        return [
            {
                "entity_type": entity_type,
                "key": f.key,
                "label": f.label,
                "odoo_field": compat.partner_field(f.odoo_field) or False,
                "so_field": f.so_field or False,
                "direction": f.direction,
                "transform": f.transform,
                "show_in_search": f.show_in_search,
                "show_on_tab": f.show_on_tab,
                "mandatory_so": f.mandatory_so,
                "sequence": 10 * (index + 1),
            }
            for index, f in enumerate(so_mapping.default_mapping(entity_type))
        ]

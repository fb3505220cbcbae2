"""The actors SuperOffice's ERP Sync sees in Odoo: Customer, Supplier, Person and Project.

Each actor type says which records it covers (a domain in the connection's company), which
field keys it offers (``FieldSpec``: SuperOffice's auto-mapped names where one fits, so no
administrator has to map them) and how a key reads and writes its Odoo field. ErpKey is the
record id, LastModified its ``write_date`` and id (:func:`..erp.values.format_cursor`).

Customer and Supplier are company partners; with Accounting installed they are told apart by
``customer_rank``/``supplier_rank`` (and CreateActor sets the rank), without it both show every
company partner. A company of neither rank yet (made in Contacts) counts as a customer, as
:func:`company_actor_type` says of a person's parent. The ranks decide which lists (searches,
changes since) hold a company; a company SuperOffice linked as one type stays in that type's
changes when its ranks change later (an invoice, a vendor bill), and a key SuperOffice holds
always reaches its record (GetActors, SaveActors), so a link keeps working. Person is a contact person of a company partner; Project a ``project.project``.
"""

from dataclasses import dataclass

from odoo.tools import SQL, html2plaintext, plaintext2html
from odoo.tools.translate import LazyTranslate

from ..erp import carriers as c
from ..erp import values as v
from ..erp.carriers import ErpActor, ErpError
from ..sync.names import join_name, split_name

_lt = LazyTranslate(__name__)


# Field types read as plain columns by ActorType.read_rows, and what the ORM makes of NULL.
ROW_TYPES = {"char", "text", "integer", "float", "boolean", "date", "datetime", "many2one"}
ROW_EMPTY = {"integer": 0, "float": 0.0}
# The list keys of ActorType.list_key, read with the rows (ActorType.read_rows): a sub-select
# of the code of the row's list value (%s: the row's column), not a query of their own
LIST_CODES = {
    "Country": "SELECT COALESCE(code, '') FROM res_country WHERE id = %s",
    "State": "SELECT COALESCE(c.code, 'False') || '-' || COALESCE(s.code, 'False')"
             "  FROM res_country_state s LEFT JOIN res_country c ON c.id = s.country_id"
             " WHERE s.id = %s",
}


@dataclass(frozen=True, eq=False)
class FieldSpec:
    key: str
    label: object  # a lazy translation, translated in the caller's language
    field_type: str = c.TEXT
    orm: str = ""  # the ORM field read, written and searched; empty for computed keys
    access: str = c.NORMAL
    list_name: str = ""
    searchable: bool = True
    max_length: int = 0
    date_only: bool = False


def _company_fields():
    return (
        FieldSpec("NAME", _lt("Name"), orm="name", access=c.MANDATORY),
        FieldSpec("NUMBER1", _lt("Reference"), orm="ref"),
        FieldSpec("VATNO", _lt("Tax ID"), orm="vat"),
        FieldSpec("PHONE", _lt("Phone"), orm="phone"),
        FieldSpec("EMAIL", _lt("Email"), orm="email"),
        FieldSpec("URL", _lt("Website"), orm="website"),
        FieldSpec("STREETAD1", _lt("Street"), orm="street"),
        FieldSpec("STREETAD2", _lt("Street 2"), orm="street2"),
        FieldSpec("STREETZIP", _lt("Zip"), orm="zip"),
        FieldSpec("STREETCITY", _lt("City"), orm="city"),
        FieldSpec("STREETSTATE", _lt("State"), c.LIST, "state_id", list_name="State"),
        FieldSpec("COUNTRY", _lt("Country"), c.LIST, "country_id", list_name="Country"),
        FieldSpec("LATITUDE", _lt("Geo latitude"), c.DOUBLE, "partner_latitude"),
        FieldSpec("LONGITUDE", _lt("Geo longitude"), c.DOUBLE, "partner_longitude"),
        FieldSpec("ODOOID", _lt("Odoo ID"), c.INTEGER, "id", access=c.READ_ONLY),
        FieldSpec("LASTMODIFIED", _lt("Last modified in Odoo"), c.DATETIME, "write_date",
                  access=c.READ_ONLY),
    )


PERSON_FIELDS = (
    FieldSpec("FIRSTNAME", _lt("First name"), searchable=False),
    FieldSpec("LASTNAME", _lt("Last name"), access=c.MANDATORY, searchable=False),
    FieldSpec("EMAIL", _lt("Email"), orm="email"),
    FieldSpec("PHONE_DIRECT", _lt("Phone"), orm="phone"),
    FieldSpec("POSITION", _lt("Job position"), orm="function"),
    FieldSpec("EMPLOYEE", _lt("Employee"), c.CHECKBOX, "employee"),
    FieldSpec("ODOOID", _lt("Odoo ID"), c.INTEGER, "id", access=c.READ_ONLY),
    FieldSpec("LASTMODIFIED", _lt("Last modified in Odoo"), c.DATETIME, "write_date",
              access=c.READ_ONLY),
)

PROJECT_FIELDS = (
    FieldSpec("NAME", _lt("Name"), orm="name", access=c.MANDATORY),
    FieldSpec("TEXT", _lt("Description"), orm="description", searchable=False),
    FieldSpec("STARTDATE", _lt("Start date"), c.DATETIME, "date_start", date_only=True),
    FieldSpec("ENDDATE", _lt("End date"), c.DATETIME, "date", date_only=True),
    FieldSpec("ODOOID", _lt("Odoo ID"), c.INTEGER, "id", access=c.READ_ONLY),
    FieldSpec("LASTMODIFIED", _lt("Last modified in Odoo"), c.DATETIME, "write_date",
              access=c.READ_ONLY),
)


class ActorType:
    """One actor type on one Odoo model, in the company of an ERP connection."""

    name = ""
    model = ""
    fields = ()
    text_search = ("name",)  # ORM fields SearchActors looks in

    def __init__(self, env, company, linked=None):
        self.env = env
        self.company = company
        self.linked = linked  # SQL selecting the records SuperOffice linked as this type
        self.specs = {spec.key: spec for spec in self.fields}

    # ----------------------------------------------------------------------- records

    def domain(self):
        return ["|", ("company_id", "=", False), ("company_id", "=", self.company.id)]

    def kind(self):
        """What tells the records this type lists (searches, changes) from the other types on
        the same model; none by default."""
        return []

    def records(self, extra=(), limit=None, order="id"):
        return self.env[self.model].search(self.domain() + self.kind() + list(extra),
                                           limit=limit, order=order)

    def changes_base(self):
        """``(FROM, WHERE)`` of the records of this type the acting user may read (its record
        rules applied), as SQL, or None when there is none: what :meth:`changed_ids` narrows to a
        range of write dates. It does not depend on the range, so it is built once and kept
        (``superoffice.erp.changes._erp_changes_base``): compiling a domain and the user's rules
        costs more than the poll's own queries."""
        query = self.env[self.model]._search(self.domain() + self.kind())
        if query.is_empty():
            return None
        return query.from_clause, query.where_clause

    def changed_ids(self, base, since, after_id, horizon, limit):
        """Ids of the records written from ``since`` (and, if ``after_id``, after the record
        ``(since, after_id)`` in (write date, id) order) and before ``horizon`` (if any), in
        that order, among ``base`` (:meth:`changes_base`).
        One index range scan (``superoffice_erp_connection._auto_init``): no cost that grows
        with the table."""
        Model = self.env[self.model]
        Model.check_access("read")
        if base is None:
            return []
        table = Model._table
        write_date, id_ = SQL.identifier(table, "write_date"), SQL.identifier(table, "id")
        conditions = [base[1] or SQL("TRUE"), SQL("%s >= %s", write_date, since)]
        if after_id:
            conditions.append(SQL("(%s, %s) > (%s, %s)", write_date, id_, since, after_id))
        if horizon:
            # in SQL: a domain rounds a datetime down to the second, which would hold back the
            # records of the horizon's last second until a later poll
            conditions.append(SQL("%s < %s", write_date, horizon))
        return [row[0] for row in self.env.execute_query(SQL(
            "SELECT %s FROM %s WHERE %s ORDER BY %s, %s LIMIT %s", id_, base[0],
            SQL(" AND ").join(SQL("(%s)", c) for c in conditions), write_date, id_, limit))]

    def browse_keys(self, erp_keys):
        """The records of ``erp_keys`` (GetActors, SaveActors): a key SuperOffice holds reaches its
        record whatever the kind says now."""
        ids = [int(k) for k in erp_keys if str(k).strip().isdigit()]
        if not ids:
            return self.env[self.model]
        return self.env[self.model].search(self.domain() + [("id", "in", ids)], order="id")

    def text_domain(self, text):
        terms = [(name, "ilike", text) for name in self.text_search]
        return ["|"] * (len(terms) - 1) + terms

    # ----------------------------------------------------------------------- reading

    def read_key(self, record, spec):
        value = record[spec.orm] if spec.orm else None
        if spec.field_type == c.LIST:
            return self.list_key(spec, value)
        if spec.field_type == c.TEXT:
            return value or ""
        return v.encode(spec.field_type, value)

    def list_key(self, spec, value):
        if not value:
            return ""
        if spec.list_name == "Country":
            return value.code or ""
        if spec.list_name == "State":
            return f"{value.country_id.code}-{value.code}"
        return str(value.id)

    def to_actor(self, record, field_keys):
        keys = [k for k in field_keys if k in self.specs] if field_keys else list(self.specs)
        return ErpActor(
            actor_type=self.name,
            erp_key=str(record.id),
            last_modified=v.format_cursor(record.write_date, record.id),
            field_values={key: self.read_key(record, self.specs[key]) for key in keys},
            **self.parent_of(record),
        )

    def parent_of(self, record):
        return {}

    # ----------------------------------------------------------------------- reading many

    def to_actors(self, records, field_keys):
        """The actors of ``records`` in order, as :meth:`to_actor` makes them, from one query of
        the columns they need (the codes of countries and states with them), not record by
        record through the ORM: building the actors of an answer is then about as cheap as
        ``search_read``.
        ``records`` come from a search with the acting user's rights (rules applied); the
        user's read right on the model is checked here. A type with a field that is not a
        plain column (a translated name) is read through the ORM."""
        keys = [k for k in field_keys if k in self.specs] if field_keys else list(self.specs)
        specs = [self.specs[key] for key in keys]
        rows = self.read_rows(records, specs)
        if rows is None:
            return [self.to_actor(record, field_keys) for record in records]
        lists = self.list_keys(rows, specs)
        parents = self.row_parents(rows)
        return [ErpActor(
            actor_type=self.name,
            erp_key=str(row["id"]),
            last_modified=v.format_cursor(row["write_date"], row["id"]),
            field_values={key: self.row_key(row, spec, lists) for key, spec in zip(keys, specs, strict=True)},
            **parents.get(row["id"], {}),
        ) for row in rows]

    def row_columns(self, specs):
        return {"id", "write_date"} | {spec.orm for spec in specs if spec.orm}

    def read_rows(self, records, specs):
        """``[{column: value}]`` of ``records`` in their order, or None when a needed field is
        no plain column of the model's table. The code of a country or state (``LIST_CODES``)
        comes in the same query, under ``(list name, column)``."""
        Model = records.browse()
        names = sorted(self.row_columns(specs))
        fields = [Model._fields[name] for name in names]
        if any(not f.store or not f.column_type or f.translate or f.groups or f.company_dependent
               or f.type not in ROW_TYPES for f in fields):
            return None
        if not records:
            return []
        Model.check_access("read")
        Model.flush_model(names)
        codes = [(spec.list_name, spec.orm) for spec in specs
                 if spec.field_type == c.LIST and spec.list_name in LIST_CODES]
        for list_name, column in codes:
            self.env[Model._fields[column].comodel_name].flush_model()
            if list_name == "State":
                self.env["res.country"].flush_model(["code"])
        table = SQL.identifier(Model._table)
        rows = self.env.execute_query(SQL(
            "SELECT %s FROM %s WHERE id = ANY(%s)",
            SQL(", ").join([SQL.identifier(name) for name in names] + [
                SQL("(%s)", SQL(LIST_CODES[list_name], SQL.identifier(Model._table, column)))
                for list_name, column in codes]),
            table, list(records.ids)))
        by_id = {}
        for values in rows:
            row = {}
            for field, value in zip(fields, values, strict=False):
                if value is None:
                    value = ROW_EMPTY.get(field.type, False)
                elif field.type == "float":  # rounded to its digits, as the ORM does
                    value = field.convert_to_cache(value, Model)
                row[field.name] = value
            for code_key, code in zip(codes, values[len(fields):], strict=True):
                row[code_key] = code or ""
            by_id[row["id"]] = row
        return [by_id[i] for i in records.ids if i in by_id]

    def list_keys(self, rows, specs):
        """``{list name: {record id: list key}}`` of the list values in ``rows``."""
        lists = {}
        for spec in specs:
            if spec.field_type != c.LIST:
                continue
            if spec.list_name in LIST_CODES:  # read with the rows (read_rows)
                code_key = (spec.list_name, spec.orm)
                lists[spec.list_name] = {row[spec.orm]: row[code_key]
                                         for row in rows if row[spec.orm]}
                continue
            ids = list({row[spec.orm] for row in rows if row[spec.orm]})
            if not ids:
                lists[spec.list_name] = {}
                continue
            values = self.env[self.env[self.model]._fields[spec.orm].comodel_name].browse(ids)
            lists[spec.list_name] = {value.id: self.list_key(spec, value) for value in values}
        return lists

    def row_key(self, row, spec, lists):
        """The value of ``spec`` in ``row`` as :meth:`read_key` gives it of the record."""
        value = row[spec.orm] if spec.orm else None
        if spec.field_type == c.LIST:
            return lists[spec.list_name].get(value, "") if value else ""
        if spec.field_type == c.TEXT:
            return value or ""
        return v.encode(spec.field_type, value)

    def row_parents(self, rows):
        """``{record id: parent_of(record)}`` of ``rows``."""
        return {}

    # ----------------------------------------------------------------------- writing

    def decode_values(self, field_values, record=None):
        """ORM values for the writable keys of ``field_values`` (read-only and unknown keys are
        not written: SuperOffice may send back what it read)."""
        vals = {}
        for key, text in field_values.items():
            spec = self.specs.get(key)
            if not spec or spec.access == c.READ_ONLY or not spec.orm:
                continue
            vals[spec.orm] = self.decode_key(spec, text)
        return vals

    def decode_key(self, spec, text):
        try:
            if spec.field_type == c.LIST:
                return self.list_value(spec, text)
            value = v.decode(spec.field_type, text)
        except v.ValueEncodingError as exc:
            raise ErpError(
                self.env._("The value of %(field)s cannot be read: %(value)s",
                           field=spec.key, value=text), str(exc))
        if spec.field_type == c.DATETIME and spec.date_only and value:
            return value.date()
        if spec.field_type == c.TEXT:
            return value or False
        return value if value is not None else False

    def list_value(self, spec, key):
        key = (key or "").strip()
        if not key:
            return False
        record = self.list_record(spec.list_name, key)
        if not record:
            raise ErpError(
                self.env._("%(key)s is not an item of the list %(list)s.",
                           key=key, list=spec.list_name),
                f"unknown list key {key!r} of {spec.list_name}")
        return record.id

    def list_record(self, list_name, key):
        Country = self.env["res.country"].sudo()
        if list_name == "Country":
            return Country.search([("code", "=ilike", key)], limit=1)
        if list_name == "State":
            country_code, _sep, state_code = key.partition("-")
            return self.env["res.country.state"].sudo().search(
                [("country_id.code", "=ilike", country_code), ("code", "=ilike", state_code)],
                limit=1)
        return None

    def check_mandatory(self, field_values):
        missing = [spec.key for spec in self.fields
                   if spec.access == c.MANDATORY and not (field_values.get(spec.key) or "").strip()]
        if missing:
            raise ErpError(
                self.env._("A value is needed for %(fields)s.", fields=", ".join(missing)),
                f"mandatory fields missing: {missing}")

    def create_values(self, actor):
        return self.decode_values(actor.field_values)

    def changed_only(self, record, vals):
        """Drop values equal to the record's: an unchanged save keeps LastModified, so the next
        GetActorsByTimestamp does not report SuperOffice's own write back as a change."""
        result = {}
        for name, value in vals.items():
            current = record[name]
            if hasattr(current, "_name"):
                current = current.id
            if (current or False) != (value or False):
                result[name] = value
        return result


class CompanyActor(ActorType):
    model = "res.partner"
    fields = _company_fields()
    text_search = ("name", "ref", "vat", "email", "city")
    rank = ""
    unranked = False  # whether a company of neither rank is of this type

    def domain(self):
        return super().domain() + [("is_company", "=", True), ("parent_id", "=", False)]

    def kind(self):
        if self.rank not in self.env["res.partner"]._fields:
            return []
        terms = [(self.rank, ">", 0)]
        if self.unranked:
            terms.append(("supplier_rank", "=", 0))
        if self.linked is not None:
            terms.append(("id", "in", self.linked))
        return ["|"] * (len(terms) - 1) + terms

    def create_values(self, actor):
        vals = super().create_values(actor)
        vals.update(is_company=True, company_id=self.company.id)
        if self.rank in self.env["res.partner"]._fields:
            vals[self.rank] = 1
        return vals


class CustomerActor(CompanyActor):
    name = c.CUSTOMER
    rank = "customer_rank"
    unranked = True


class SupplierActor(CompanyActor):
    name = c.SUPPLIER
    rank = "supplier_rank"


def company_actor_type(partner):
    """Customer unless the ranks (with Accounting) say the company is only a supplier: the type
    whose list holds it."""
    if getattr(partner, "supplier_rank", 0) and not getattr(partner, "customer_rank", 0):
        return c.SUPPLIER
    return c.CUSTOMER


class PersonActor(ActorType):
    name = c.PERSON
    model = "res.partner"
    fields = PERSON_FIELDS
    text_search = ("name", "email", "phone", "function")

    def domain(self):
        return super().domain() + [
            ("is_company", "=", False), ("parent_id", "!=", False),
            ("parent_id.is_company", "=", True),
        ]

    def parent_of(self, record):
        return {"parent_actor_type": company_actor_type(record.parent_id),
                "parent_erp_key": str(record.parent_id.id)}

    def read_key(self, record, spec):
        if spec.key in ("FIRSTNAME", "LASTNAME"):
            first, _middle, last = split_name(record.name)
            return first if spec.key == "FIRSTNAME" else last
        return super().read_key(record, spec)

    def row_columns(self, specs):
        return super().row_columns(specs) | {"name", "parent_id"}

    def row_key(self, row, spec, lists):
        if spec.key in ("FIRSTNAME", "LASTNAME"):
            first, _middle, last = split_name(row["name"] or False)
            return first if spec.key == "FIRSTNAME" else last
        return super().row_key(row, spec, lists)

    def row_parents(self, rows):
        parents = self.env["res.partner"].browse({row["parent_id"] for row in rows if row["parent_id"]})
        types = {parent.id: company_actor_type(parent) for parent in parents}
        return {row["id"]: {"parent_actor_type": types.get(row["parent_id"], c.CUSTOMER),
                            "parent_erp_key": str(row["parent_id"] or False)}
                for row in rows}

    def decode_values(self, field_values, record=None):
        vals = super().decode_values(field_values, record)
        if "FIRSTNAME" in field_values or "LASTNAME" in field_values:
            first, _middle, last = split_name(record.name if record else "")
            vals["name"] = join_name(field_values.get("FIRSTNAME", first), None,
                                     field_values.get("LASTNAME", last))
            if not vals["name"]:
                raise ErpError(self.env._("A person needs a name."), "empty person name")
        return vals

    def parent(self, actor):
        parent = CompanyActor(self.env, self.company).browse_keys([actor.parent_erp_key])
        if not parent:
            raise ErpError(
                self.env._("The company %(key)s of this person is not in Odoo.",
                           key=actor.parent_erp_key or "-"),
                f"unknown parent {actor.parent_actor_type}/{actor.parent_erp_key}")
        return parent

    def create_values(self, actor):
        vals = self.decode_values(actor.field_values)
        vals.update(parent_id=self.parent(actor).id, type="contact", is_company=False,
                    company_id=self.company.id)
        return vals


class ProjectActor(ActorType):
    name = c.PROJECT
    model = "project.project"
    fields = PROJECT_FIELDS

    def read_key(self, record, spec):
        if spec.key == "TEXT":
            return html2plaintext(record.description or "") if record.description else ""
        return super().read_key(record, spec)

    def decode_key(self, spec, text):
        if spec.key == "TEXT":
            return plaintext2html(text) if text else False
        return super().decode_key(spec, text)

    def changed_only(self, record, vals):
        if "description" in vals and vals["description"] and record.description and \
                html2plaintext(record.description) == html2plaintext(vals["description"]):
            vals = dict(vals)
            del vals["description"]
        return super().changed_only(record, vals)

    def create_values(self, actor):
        vals = super().create_values(actor)
        vals["company_id"] = self.company.id
        return vals


ACTOR_CLASSES = {cls.name: cls for cls in (CustomerActor, SupplierActor, PersonActor, ProjectActor)}


def actor_type(env, company, name, linked=None):
    cls = ACTOR_CLASSES.get(name)
    if cls is None:
        raise ErpError(
            env._("Odoo does not offer the actor type %(type)s.", type=name or "-"),
            f"unsupported actor type {name!r}")
    return cls(env, company, linked)

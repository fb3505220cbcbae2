"""What changed between two versions of a record, in SuperOffice database column names.

Webhooks fire only for changes of the entity's own table; rows of foreign-key tables (phones,
e-mails, urls, user-defined fields, project members) change silently (members get their own
`projectmember.*` events). UpdatedDate is stamped for any change.
"""

# store key -> database column of the entity's own table
COLUMNS = {
    "contact": {"name": "name", "department": "department", "orgnr": "orgnr",
                "number1": "number1", "number2": "number2", "kananame": "kananame",
                "no_mailing": "nomailing", "xstop": "xstop", "country_id": "country_id",
                "category_id": "category_idx", "business_id": "business_idx",
                "associate_id": "associate_id", "dbi_key": "dbi_key", "street": "address",
                "postal": "address", "description": "text_id", "deleted": "deleted"},
    "person": {"firstname": "firstname", "middlename": "middleName", "lastname": "lastname",
               "mrmrs": "mrmrs", "title": "title", "birthdate": "birthdate",
               "person_number": "personNumber", "no_mailing": "nomailing",
               "retired": "retired", "position_id": "position_idx",
               "country_id": "country_id", "contact_id": "contact_id", "address": "address",
               "description": "text_id", "dbi_key": "dbi_key", "deleted": "deleted"},
    "project": {"name": "name", "number": "project_number", "postit": "postit",
                "description": "text_id", "image_description": "imageDescription",
                "completed": "done", "end_date": "endDate", "status_id": "status_idx",
                "type_id": "type_idx", "associate_id": "associate_id"},
}
PRIMARY = {"contact": "contact_id", "person": "person_id", "project": "project_id"}
FOREIGN = {"phones", "emails", "urls", "faxes", "udefs", "domains", "office_phones",
           "mobile_phones", "private_phones", "members"}
_IGNORED = {"id", "created", "created_by", "updated", "updated_by", "deleted_date"}


class Diff:
    def __init__(self):
        self.any = False
        self.columns = []
        self.member_events = []


def diff(kind, old, new):
    result = Diff()
    columns = COLUMNS[kind]
    changed = []
    for key, value in new.items():
        if key in _IGNORED or old.get(key) == value:
            continue
        result.any = True
        if key in FOREIGN:
            continue
        column = columns.get(key)
        if column and column not in changed:
            changed.append(column)
    if kind == "project" and old["members"] != new["members"]:
        before = {m["id"]: m for m in old["members"]}
        after = {m["id"]: m for m in new["members"] if m["id"]}
        for member in new["members"]:
            if member["id"] not in before:
                result.member_events.append(("created", member))
            elif before[member["id"]] != member:
                result.member_events.append(("changed", member))
        for member_id, member in before.items():
            if member_id not in after:
                result.member_events.append(("deleted", member))
    if changed:
        result.columns = [PRIMARY[kind], *changed, "updated_associate_id", "updated",
                          "updatedCount"]
    return result

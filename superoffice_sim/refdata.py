"""Reference lists of the simulated tenant: associates, countries, list items.

Values are fixed so that ids are stable between runs; the shapes follow the WebAPI carriers
(`Associate`, `Country`, list items with `Id`/`Value`/`Tooltip`).
"""

EMPTY_DATE = "0001-01-01T00:00:00"
FULL_RIGHT = {"Mask": "FULL", "Reason": ""}

# associate id -> (short name, full name, person id, type, group, ej user id)
ASSOCIATES = {
    5: ("RJ", "Roy de Jong", 5, "InternalAssociate", 2, 2),
    6: ("AE", "Astrid Eriksen", 6, "InternalAssociate", 2, 3),
    7: ("JV", "Jan de Vries", 7, "InternalAssociate", 3, 4),
    8: ("ES", "Emma Smith", 8, "InternalAssociate", 3, 5),
    9: ("SYSTEM", "System User", 0, "SystemAssociate", 1, 0),
    10: ("KN", "Kari Nordmann", 10, "InternalAssociate", 2, 6),
    11: ("LB", "Lise Berg", 11, "InternalAssociate", 3, 7),
    12: ("HL", "Hans Larsen", 12, "InternalAssociate", 2, 8),
    13: ("HLA", "Hans Larsen", 13, "InternalAssociate", 3, 9),
    14: ("PH", "Per Hansen", 14, "InternalAssociate", 2, 0),
}
# associate id -> the e-mail address of its person ("" when it has none): the `personEmail` of
# the User list (the AllUsers archive). Lise Berg and the two Hans Larsens have none.
ASSOCIATE_EMAILS = {
    5: "roy.dejong@example.com", 6: "astrid.eriksen@example.com", 7: "jan.devries@example.com",
    8: "emma.smith@example.com", 9: "", 10: "kari.nordmann@example.com", 11: "", 12: "", 13: "",
    14: "per.hansen@example.com",
}
# associates retired in SuperOffice (`Deleted`; the User list's `isActive` is false)
RETIRED_ASSOCIATES = {14}
_SEEDED_ASSOCIATES = (dict(ASSOCIATES), dict(ASSOCIATE_EMAILS), set(RETIRED_ASSOCIATES))
USER_ASSOCIATE_ID = 5
SYSTEM_ASSOCIATE_ID = 9
SALES_ASSOCIATES = (5, 6, 7, 8)

# country id -> (name, ISO2, ISO3, currency id, dial prefix)
COUNTRIES = {
    578: ("Norway", "NO", "NOR", 5, "+47"),
    752: ("Sweden", "SE", "SWE", 6, "+46"),
    208: ("Denmark", "DK", "DNK", 7, "+45"),
    246: ("Finland", "FI", "FIN", 8, "+358"),
    528: ("Netherlands", "NL", "NLD", 1, "+31"),
    826: ("United Kingdom", "GB", "GBR", 3, "+44"),
    840: ("United States", "US", "USA", 4, "+1"),
    276: ("Germany", "DE", "DEU", 1, "+49"),
}

CATEGORIES = {1: "Customer", 2: "Prospect", 3: "Vendor", 4: "Partner", 5: "Competitor"}
BUSINESSES = {1: "IT", 2: "Retail", 3: "Manufacturing", 4: "Consulting", 5: "Finance",
              6: "Transport"}
POSITIONS = {1: "CEO", 2: "Sales manager", 3: "Purchaser", 4: "CFO", 5: "Engineer",
             6: "Office manager"}
PROJECT_TYPES = {1: "Customer project", 2: "Internal", 3: "Development", 4: "Conference"}
PROJECT_STATUSES = {1: "Planned", 2: "In Progress", 3: "Completed", 4: "Stopped"}
MEMBER_TYPES = {1: "Project Manager", 2: "Participant", 3: "Customer contact"}

# The lists `GET List/{name}/Items` serves (name as in the URL, case-insensitive) and the id of
# each list's definition (`UdListDefinitionId` of its items).
LISTS = {"Category": (CATEGORIES, 1), "Business": (BUSINESSES, 2), "Position": (POSITIONS, 3),
         "ProjectType": (PROJECT_TYPES, 4), "ProjectStatus": (PROJECT_STATUSES, 5)}
_SEEDED = {name: dict(items) for name, (items, _definition) in LISTS.items()}


def list_table(name):
    """The {id: value} table of list `name` (case-insensitive), or None."""
    for list_name, (items, _definition) in LISTS.items():
        if list_name.lower() == name.lower():
            return items
    return None


def list_items(name):
    """The items of list `name` as `GET List/{name}/Items` answers them, or None."""
    for list_name, (items, definition) in LISTS.items():
        if list_name.lower() == name.lower():
            return [{"Id": item_id, "Name": value, "Tooltip": "", "Deleted": False,
                     "UdListDefinitionId": definition, "Rank": rank,
                     "TableRight": {"Mask": "Read", "Reason": ""}, "FieldProperties": {}}
                    for rank, (item_id, value) in enumerate(sorted(items.items()), 1)]
    return None


def add_list_item(name, value):
    """Add `value` to list `name` (an administrator's edit in Settings and maintenance);
    returns its id. `reset_lists` forgets it."""
    items = list_table(name)
    item_id = max(items, default=0) + 1
    items[item_id] = value
    return item_id


def reset_lists():
    """Every list back to its seeded items (the tables are changed in place: the renderers,
    the parser and the archive columns hold them)."""
    for name, (items, _definition) in LISTS.items():
        items.clear()
        items.update(_SEEDED[name])


def associate(associate_id):
    """The `Associate` carrier for an id, or None for 0/unknown."""
    row = ASSOCIATES.get(associate_id)
    if not row:
        return None
    name, full, person_id, typ, group, ej = row
    return {
        "TableRight": dict(FULL_RIGHT), "FieldProperties": {},
        "AssociateId": associate_id, "Name": name, "PersonId": person_id, "Rank": 0,
        "Tooltip": "", "Type": typ, "GroupIdx": group, "FullName": full, "FormalName": full,
        "Deleted": associate_id in RETIRED_ASSOCIATES, "EjUserId": ej, "UserName": None,
        "ExtraFields": {},
        "CustomFields": {},
    }


def add_associate(name, full_name, email=""):
    """A new internal user (an administrator's edit in SuperOffice Admin); returns its
    associate id. `reset_associates` forgets it."""
    associate_id = max(ASSOCIATES) + 1
    ASSOCIATES[associate_id] = (name, full_name, 0, "InternalAssociate", 2, 0)
    ASSOCIATE_EMAILS[associate_id] = email
    return associate_id


def retire_associate(associate_id):
    """Retire a user (SuperOffice keeps the associate, marked deleted, for its history)."""
    RETIRED_ASSOCIATES.add(associate_id)


def reset_associates():
    """The associates back to their seeded rows (the tables are changed in place)."""
    for table, seeded in zip((ASSOCIATES, ASSOCIATE_EMAILS, RETIRED_ASSOCIATES),
                             _SEEDED_ASSOCIATES, strict=True):
        table.clear()
        table.update(seeded)


def associate_name(associate_id):
    row = ASSOCIATES.get(associate_id)
    return row[0] if row else ""


def associate_full_name(associate_id):
    row = ASSOCIATES.get(associate_id)
    return row[1] if row else ""


def list_item(table, item_id):
    """A list item carrier `{Id, Value, Tooltip}`; id 0 gives the empty item."""
    return {"TableRight": None, "FieldProperties": {}, "Id": item_id or 0,
            "Value": table.get(item_id, ""), "Tooltip": ""}


# category id -> CategoryGroup (enum of @superoffice/webapi 12.4: Unknown, Customer,
# PotentialCustomer, Partner, Lost, Other)
CATEGORY_GROUPS = {1: "Customer", 2: "PotentialCustomer", 3: "Other", 4: "Partner", 5: "Other"}


def category(category_id):
    """The `Category` list item of 12.4: `{Id, Value, Tooltip}` plus group, lead status, rank."""
    item = list_item(CATEGORIES, category_id)
    item.update(CategoryGroup=CATEGORY_GROUPS.get(category_id, "Unknown"),
                EnableLeadStatus=False, Rank=category_id if category_id in CATEGORIES else 0,
                Deleted=False)
    return item


def country(country_id):
    name, iso2, iso3, currency, dial = COUNTRIES.get(country_id, ("", "", "", 0, ""))
    return {
        "TableRight": None, "FieldProperties": {},
        "CountryId": country_id if name else 0, "Name": name, "CurrencyId": currency,
        "EnglishName": name, "TwoLetterISOCountry": iso2, "ThreeLetterISOCountry": iso3,
        "ImageDescription": "", "OrgNrText": "", "InterAreaPrefix": "", "DialInPrefix": dial,
        "ZipPrefix": "", "DomainName": iso2.lower(), "AddressLayoutId": 0,
        "DomesticAddressLayoutId": 0, "ForeignAddressLayoutId": 0, "Rank": 0, "Tooltip": "",
        "Deleted": False,
    }


def country_name(country_id):
    return COUNTRIES.get(country_id, ("",))[0]

"""Search helpers of the Connect and Create-in-Odoo wizards (no ORM in here).

SuperOffice's own search is a plain ``name begins`` on one archive. The wizards do better:

* :func:`quick_filter` matches the text against name, organisation number, customer number,
  e-mail and phone at once (``contains``), so "981 234" finds a VAT number and "acme.no" an
  e-mail domain;
* :func:`advanced_filter` ands the criteria the user filled in (name, department, org number,
  city, country, e-mail, phone, updated since);
* :func:`likely_filters` builds the queries of "likely matches" for an Odoo record (same
  org/VAT number, same e-mail domain, similar name) and :func:`rank` scores the hits so those
  come first with the reason shown.

    >>> str(quick_filter("company", "O'Brien"))[:40]
    "((((name contains 'O''Brien' or orgnr co"
    >>> email_domain("Sales@ACME.no")
    'acme.no'
"""

import difflib
import re

from ..api.query import F, all_of, any_of

# Archive columns per canonical key, per entity type (SimpleContact, Person and Project
# archives); keys not listed here are not searchable and have no hit column.
COLUMNS = {
    "company": {
        "id": "contactId",
        "name": "name",
        "department": "department",
        "vat": "orgnr",
        "ref": "code",
        "city": "postAddress/city",
        "country": "country",
        "country_id": "countryId",
        "phone": "contactPhone/formattedNumber",
        "email": "email/emailAddress",
        "updated": "updatedDate",
    },
    "person": {
        "id": "personId",
        "name": "fullName",
        "function": "title",
        "email": "email/emailAddress",
        "phone": "personDirectPhone/formattedNumber",
        "mobile": "personMobilePhone/formattedNumber",
        "company": "contactId",
        "company_name": "name",
        "updated": "personUpdatedDate",
    },
    "project": {
        "id": "projectId",
        "name": "name",
        "number": "number",
        "status": "status",
        "type": "type",
        "updated": "updatedDate",
    },
}

KIND = {"company": "contact", "person": "person", "project": "project"}

# Keys the quick search looks in, per entity type.
_QUICK_KEYS = {
    "company": ("name", "vat", "ref", "email", "phone"),
    "person": ("name", "email", "phone"),
    "project": ("name", "number"),
}

# Advanced criteria: wizard field -> (canonical key, operator).
ADVANCED = (
    ("adv_name", "name", "contains"),
    ("adv_department", "department", "contains"),
    ("adv_orgnr", "vat", "contains"),
    ("adv_city", "city", "begins"),
    ("adv_country", "country_id", "eq"),
    ("adv_email", "email", "contains"),
    ("adv_phone", "phone", "contains"),
    ("adv_updated_since", "updated", "afterTime"),
)

_STOP_WORDS = frozenset(
    ["as", "asa", "ab", "oy", "ltd", "limited", "inc", "llc", "gmbh", "ag", "sa", "sarl", "bv", "nv", "srl", "spa", "plc", "co", "company", "the", "and", "og", "und", "et", "de"]
)
_WORD = re.compile(r"\w+", re.UNICODE)
_LEGAL_FORMS = frozenset(
    ["as", "asa", "ab", "oy", "ltd", "limited", "inc", "llc", "gmbh", "ag", "sa", "sarl", "bv", "nv", "srl", "spa", "plc"]
)


def columns(entity_type):
    return COLUMNS[entity_type]


def select_columns(entity_type, keys):
    """Archive columns to ``$select`` for a hit list showing ``keys`` (id and name always)."""
    cols = COLUMNS[entity_type]
    wanted = ["id", "name", *keys]
    if entity_type == "person":
        wanted += ["company", "company_name"]
    result = []
    for key in wanted:
        column = cols.get(key)
        if column and column not in result:
            result.append(column)
    return result


def quick_filter(entity_type, text):
    """Filter matching ``text`` in the usual identifying columns; ``None`` for a blank text."""
    text = (text or "").strip()
    if not text:
        return None
    cols = COLUMNS[entity_type]
    return any_of(*(F(cols[key]).contains(text) for key in _QUICK_KEYS[entity_type] if key in cols))


def advanced_filter(entity_type, criteria):
    """``criteria`` = ``{key: value}`` (blank values ignored), combined with ``and``."""
    cols = COLUMNS[entity_type]
    parts = []
    for _field, key, operator in ADVANCED:
        value = criteria.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "", False) or key not in cols:
            continue
        column = F(cols[key])
        if operator == "contains":
            parts.append(column.contains(value))
        elif operator == "begins":
            parts.append(column.begins(value))
        elif operator == "afterTime":
            parts.append(column.after_time(value))
        else:
            parts.append(column.eq(value))
    return all_of(*parts)


def email_domain(email):
    """Domain of an e-mail address, lower case; ``None`` for public mail providers too."""
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().lower()
    if not domain or domain in PUBLIC_DOMAINS:
        return None
    return domain


PUBLIC_DOMAINS = frozenset(
    ["gmail.com", "googlemail.com", "hotmail.com", "outlook.com", "live.com", "yahoo.com", "icloud.com", "me.com", "aol.com", "gmx.de", "gmx.net", "web.de", "online.no", "msn.com", "proton.me", "protonmail.com"]
)


def name_words(name):
    """Significant words of a company name (legal forms and short words left out)."""
    words = [w.lower() for w in _WORD.findall(name or "")]
    return [w for w in words if len(w) > 2 and w not in _STOP_WORDS]


def compact_vat(value):
    """A VAT / organisation number without spaces, dots and dashes, upper case."""
    return re.sub(r"[\s.\-]", "", value or "").upper()


def likely_filters(entity_type, odoo_values):
    """``[(reason_code, Filter)]``: the queries that find likely matches of an Odoo record."""
    cols = COLUMNS[entity_type]
    queries = []
    vat = compact_vat(odoo_values.get("vat"))
    if vat and "vat" in cols:
        # SuperOffice stores OrgNr as typed; look for the number with and without country prefix.
        digits = re.sub(r"^[A-Z]{2}", "", vat)
        queries.append(("vat", any_of(F(cols["vat"]).contains(digits), F(cols["vat"]).eq(vat))))
    domain = email_domain(odoo_values.get("email"))
    if domain and "email" in cols:
        queries.append(("domain", F(cols["email"]).contains("@" + domain)))
    words = name_words(odoo_values.get("name"))
    if words and "name" in cols:
        longest = max(words, key=len)
        queries.append(("name", F(cols["name"]).contains(longest)))
    return queries


def similarity(a, b):
    """0..1 similarity of two names, ignoring case and legal forms."""
    wa, wb = " ".join(name_words(a)), " ".join(name_words(b))
    if not wa or not wb:
        return difflib.SequenceMatcher(None, (a or "").lower(), (b or "").lower()).ratio()
    return difflib.SequenceMatcher(None, wa, wb).ratio()


def same_name(a, b):
    """The same name, apart from case, spacing, punctuation and a legal form ("AS", "Ltd")."""
    words_a = [w.lower() for w in _WORD.findall(a or "")]
    words_b = [w.lower() for w in _WORD.findall(b or "")]
    if not words_a or not words_b:
        return False
    core_a = [w for w in words_a if w not in _LEGAL_FORMS] or words_a
    core_b = [w for w in words_b if w not in _LEGAL_FORMS] or words_b
    return core_a == core_b


def score(hit, odoo_values):
    """``(score, [reason codes])`` of a hit (``{key: display value}``) against an Odoo record.

    Same name 120, same VAT/org number 100, same e-mail domain 40, a similar (not the same)
    name up to 50 (from 0.6 similarity): exact matches come first.
    """
    points, reasons = 0, []
    if same_name(odoo_values.get("name"), hit.get("name")):
        points += 120
        reasons.append("same_name")
    vat = re.sub(r"^[A-Z]{2}", "", compact_vat(odoo_values.get("vat")))
    hit_vat = re.sub(r"^[A-Z]{2}", "", compact_vat(hit.get("vat")))
    if vat and vat == hit_vat:
        points += 100
        reasons.append("vat")
    domain = email_domain(odoo_values.get("email"))
    if domain and email_domain(hit.get("email")) == domain:
        points += 40
        reasons.append("domain")
    if "same_name" not in reasons:
        ratio = similarity(odoo_values.get("name"), hit.get("name"))
        if ratio >= 0.6:
            points += int(ratio * 50)
            reasons.append("name")
    return points, reasons


def rank(hits, odoo_values):
    """Hits sorted best first (stable for equal scores), each as ``(hit, score, reasons)``."""
    scored = [(hit, *score(hit, odoo_values)) for hit in hits]
    return sorted(scored, key=lambda item: -item[1])

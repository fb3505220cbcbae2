"""Deterministic, realistic seed data: Nordic, Dutch and English companies, people, projects.

The same `seed` and counts always give the same records. Some companies are exact or near
duplicates of others, and names include quotes (O'Brien) and non-ASCII letters (Sønner, Ødegård)
so that matching and escaping get exercised.
"""

import datetime as dt
import functools
import random
import unicodedata

from . import entities, refdata

COUNTRY_DATA = {
    578: (["Oslo", "Bergen", "Trondheim", "Stavanger", "Tromsø", "Drammen", "Bærum"],
          ["Storgata", "Kirkeveien", "Dronningens gate", "Fjordveien", "Øvre Slottsgate"],
          ["AS", "ASA", "& Sønner AS"], "{:04d}", 1000, 9999),
    752: (["Stockholm", "Göteborg", "Malmö", "Uppsala", "Västerås"],
          ["Storgatan", "Drottninggatan", "Kungsgatan", "Sveavägen"], ["AB", "HB"],
          "{:03d} {:02d}", 100, 999),
    208: (["København", "Aarhus", "Odense", "Aalborg"], ["Strøget", "Nørregade", "Vestergade"],
          ["ApS", "A/S"], "{:04d}", 1000, 9990),
    246: (["Helsinki", "Espoo", "Tampere", "Turku"], ["Mannerheimintie", "Hämeenkatu"],
          ["Oy", "Oyj"], "{:05d}", 100, 99999),
    528: (["Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "'s-Hertogenbosch"],
          ["Keizersgracht", "Dorpsstraat", "Kerkstraat", "Stationsweg"], ["B.V.", "N.V."],
          "{:04d} AB", 1000, 9999),
    826: (["London", "Manchester", "Leeds", "Bristol", "Edinburgh"],
          ["High Street", "Station Road", "Church Lane", "Victoria Road"],
          ["Ltd", "Limited", "PLC"], "SW{:d} 1AA", 1, 20),
}
COUNTRY_WEIGHTS = [(578, 35), (752, 15), (208, 10), (246, 5), (528, 20), (826, 15)]
FIRST_NAMES = ["Ole", "Kari", "Lars", "Ingrid", "Bjørn", "Åse", "Erik", "Sofia", "Anders",
               "Maja", "Jens", "Mette", "Mikko", "Aino", "Jan", "Sanne", "Pieter", "Femke",
               "Daan", "Lotte", "James", "Emily", "Oliver", "Sophie", "Seán", "Siobhán",
               "Jørgen", "Kjersti", "Håkon", "Zoë"]
LAST_NAMES = ["Hansen", "Johansen", "Olsen", "Larsen", "Ødegård", "Bakken", "Søreide",
              "Andersson", "Johansson", "Nielsen", "Jørgensen", "Virtanen", "Korhonen",
              "de Vries", "van der Berg", "Jansen", "Bakker", "van Dijk", "Smith", "Jones",
              "Taylor", "Brown", "O'Brien", "O'Neill", "Müller", "Ström", "Åberg", "Lindqvist"]
WORDS = ["Nordic", "Fjord", "Polar", "Viking", "Atlantic", "Delta", "Holland", "Orange", "Tulip",
         "Thames", "Crown", "Baltic", "Aurora", "Nord", "Midgard", "Elm", "Oak", "Granite",
         "Harbour", "Coastal", "Summit", "Bridge", "Lighthouse", "Windmill", "Glacier"]
TRADES = ["Trading", "Consulting", "Logistics", "Engineering", "Software", "Shipping",
          "Foods", "Energy", "Textiles", "Media", "Holding", "Bygg", "Transport", "Design",
          "Solutions", "Fisk", "Handel", "Techniek", "Advies"]
TITLES = ["", "Daglig leder", "Sales Manager", "Inkoper", "Account Manager", "CTO", "Director"]
BASE = dt.datetime(2019, 1, 1)
SPAN = 6 * 365 * 86400  # seed stamps spread over 2019-2024


class _Rand:
    """random.Random with cheap `randrange`/`choice`/`randint` (float based, deterministic)."""

    def __init__(self, seed):
        self.random = random.Random(seed).random

    def randrange(self, start, stop=None):
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))

    def randint(self, low, high):
        return low + int(self.random() * (high - low + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


@functools.lru_cache(maxsize=4096)
def ascii_fold(text):
    text = text.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("å", "a")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())


def _phone(rng, country_id):
    prefix = refdata.COUNTRIES[country_id][4]
    digits = f"{rng.randrange(10**7, 10**8)}"
    return f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}"


def _orgnr(rng, country_id):
    if country_id == 578:
        return f"9{rng.randrange(10**7, 10**8)}"
    if country_id == 752:
        return f"55{rng.randrange(10**3, 10**4)}-{rng.randrange(10**3, 10**4)}"
    if country_id == 246:
        return f"{rng.randrange(10**6, 10**7)}-{rng.randrange(10)}"
    if country_id == 528:
        return f"NL{rng.randrange(10**8, 10**9)}B01"
    return f"{rng.randrange(10**7, 10**8)}"


def _company_name(rng, country_id, names):
    n = len(names)
    roll = rng.random()
    if n > 10 and roll < 0.02:
        return names[rng.randrange(n)]  # exact duplicate
    if n > 10 and roll < 0.05:
        base = names[rng.randrange(n)]  # near duplicate: other suffix / spacing / case
        variant = rng.randrange(3)
        if variant == 0:
            return base.upper()
        if variant == 1:
            return base.replace(" ", "  ", 1)
        return base.rsplit(" ", 1)[0] + " " + rng.choice(COUNTRY_DATA[country_id][2])
    suffix = rng.choice(COUNTRY_DATA[country_id][2])
    if roll < 0.35:
        return f"{rng.choice(LAST_NAMES)} {rng.choice(TRADES)} {suffix}"
    return f"{rng.choice(WORDS)} {rng.choice(TRADES)} {suffix}"


def _stamp_pool(rng, size=1 << 15):
    """Sorted seed timestamps: picking two indexes i <= j gives created <= updated cheaply."""
    return sorted((BASE + dt.timedelta(seconds=rng.randrange(SPAN))).isoformat()
                  for _ in range(size))


def _dates(rng, pool):
    i = rng.randrange(len(pool))
    return pool[i], pool[rng.randrange(i, len(pool))]


def generate(companies=20, seed=1, persons_per_company=3, projects_ratio=0.2):
    """Return `{kind: [records]}` with ids from 1, ready for `Store.load_records`.

    Records are built from one template per kind; the template's empty lists/dicts are shared,
    which is safe because stored records are never changed in place (writes replace them).
    """
    rng = _Rand(seed)
    pool = _stamp_pool(rng)
    contact_t, person_t, project_t = (entities.new_record(k)
                                      for k in ("contact", "person", "project"))
    countries = [c for c, w in COUNTRY_WEIGHTS for _ in range(w)]
    contacts, persons, projects, names = [], [], [], []
    user = refdata.USER_ASSOCIATE_ID
    for cid in range(1, companies + 1):
        country_id = rng.choice(countries)
        cities, streets, _suffixes, zip_fmt, zlo, zhi = COUNTRY_DATA[country_id]
        name = _company_name(rng, country_id, names)
        names.append(name)
        domain = (ascii_fold(name.rsplit(" ", 1)[0]) or "company")[:30] + "." + (
            refdata.COUNTRIES[country_id][1].lower() if country_id != 826 else "co.uk")
        created, updated = _dates(rng, pool)
        zip_value = zip_fmt.format(rng.randrange(zlo, zhi), rng.randrange(10, 99))
        address = {"Address1": f"{rng.choice(streets)} {rng.randrange(1, 150)}",
                   "Address2": "", "Address3": "", "City": rng.choice(cities),
                   "County": "", "State": "", "Zipcode": zip_value}
        rec = {
            **contact_t, "id": cid, "name": name, "orgnr": _orgnr(rng, country_id),
            "number1": f"C{cid:06d}", "number2": str(10000 + cid),
            "department": "Sales" if rng.random() < 0.1 else "",
            "phones": [[_phone(rng, country_id), "Main"]], "emails": [[f"post@{domain}", ""]],
            "urls": [[f"https://www.{domain}", ""]], "postal": address, "street": address,
            "country_id": country_id, "category_id": rng.randrange(1, 6),
            "business_id": rng.randrange(1, 7),
            "associate_id": rng.choice(refdata.SALES_ASSOCIATES),
            "created": created, "updated": updated, "created_by": user, "updated_by": user,
            "udefs": {"SuperOffice:1": f"K{cid:05d}", "SuperOffice:2": rng.choice((0, 1, 2, 3))},
        }
        contacts.append(rec)
        for _ in range(rng.randint(1, 2 * persons_per_company - 1)):
            persons.append(_person(rng, pool, person_t, len(persons) + 1, rec, domain))
    for pid in range(1, int(companies * projects_ratio) + 1):
        created, updated = _dates(rng, pool)
        members = []
        for k in range(rng.randint(1, 3) if persons else 0):
            person = rng.choice(persons)
            members.append({"id": len(projects) * 3 + k + 1, "contact_id": person["contact_id"],
                            "person_id": person["id"], "type_id": 1 if k == 0 else 2,
                            "comment": ""})
        status = rng.randrange(1, 5)
        projects.append({
            **project_t, "id": pid,
            "name": f"{rng.choice(WORDS)} {rng.choice(TRADES)} {2019 + pid % 7}",
            "number": str(10000 + pid), "status_id": status, "completed": status == 3,
            "type_id": rng.randrange(1, 5), "associate_id": rng.choice(refdata.SALES_ASSOCIATES),
            "description": "Project seeded for testing.\r\nSecond line.",
            "created": created, "updated": updated, "created_by": user, "updated_by": user,
            "members": members, "udefs": {"SuperOffice:1": rng.choice((0, 1, 2, 3, 8))},
        })
    return {"contact": contacts, "person": persons, "project": projects}


def _person(rng, pool, template, pid, contact, domain):
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    created, updated = _dates(rng, pool)
    country_id = contact["country_id"]
    return {
        **template, "id": pid, "contact_id": contact["id"], "firstname": first,
        "lastname": last, "mrmrs": rng.choice(("", "Mr.", "Ms.")), "title": rng.choice(TITLES),
        "position_id": rng.randrange(0, 7), "country_id": country_id,
        "emails": [[f"{ascii_fold(first)}.{ascii_fold(last)}@{domain}", ""]],
        "office_phones": [[_phone(rng, country_id), ""]],
        "mobile_phones": [[_phone(rng, country_id), ""]] if rng.random() < 0.7 else [],
        "created": created, "updated": updated, "created_by": refdata.USER_ASSOCIATE_ID,
        "updated_by": refdata.USER_ASSOCIATE_ID, "person_number": f"P{pid:07d}",
    }

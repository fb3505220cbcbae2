"""SuperOffice entity dicts for the sync tests (shapes as in the WebAPI reference, §2.2-2.4)."""

import copy
import json
from pathlib import Path

DATA = Path(__file__).parent / "data"


def project_1():
    return json.loads((DATA / "project_1_response.json").read_text())


_COMPANY = {
    "ContactId": 12,
    "Name": "  Nordic   Paper AS ",
    "Department": "Sales",
    "OrgNr": "NO 912 345 678",
    "Number1": "10042",
    "Number2": "",
    "UpdatedDate": "2024-05-02T10:11:12",
    "Deleted": 0,
    "Phones": [
        {"Value": "+47 22 84 85 00", "StrippedValue": "4722848500", "Description": "Main"},
        {"Value": "+47 900 11 222", "StrippedValue": "4790011222", "Description": "Mobile"},
        {"Value": "+47 22 84 85 99", "StrippedValue": "4722848599", "Description": "Fax line"},
    ],
    "Emails": [{"Value": "Post@Nordic-Paper.no", "StrippedValue": "", "Description": ""}],
    "Urls": [{"Value": "https://nordic-paper.no/", "StrippedValue": "", "Description": ""}],
    "Category": {"Id": 3, "Value": "Vendor", "Tooltip": ""},
    "Business": {"Id": 2, "Value": "IT", "Tooltip": ""},
    "Country": {"CountryId": 578, "Name": "Norway", "TwoLetterISOCountry": "NO",
                "ThreeLetterISOCountry": "NOR"},
    "Associate": {"AssociateId": 5, "Name": "RJ", "PersonId": 5, "FullName": "Roy de Jong"},
    "Description": "Key account.\r\nCall before visiting.",
    "Address": {
        "Wgs84Latitude": 0.0, "Wgs84Longitude": 0.0, "LocalizedAddress": [],
        "Street": {"AtypeIdx": "ContactStreetAddress", "Address1": "Industriveien 1",
                   "Address2": "", "Address3": "", "City": "Ski", "County": "", "State": "",
                   "Zipcode": "1400", "Formatted": ""},
        "Postal": {"AtypeIdx": "ContactPostalAddress", "Address1": "Postboks 27",
                   "Address2": "Sentrum", "Address3": "", "City": "Oslo", "County": "",
                   "State": "", "Zipcode": "0101", "Formatted": "Postboks 27\n0101 Oslo"},
        "Formatted": "Postboks 27\n0101 Oslo\nNorway",
    },
    "UserDefinedFields": {"SuperOffice:1": "[I:8]", "SuperOffice:1:DisplayText": "Gold",
                          "SuperOffice:2": "[D:06/01/2020]", "SuperOffice:3": "True",
                          "SuperOffice:4": "[F:2.5]", "SuperOffice:5": "free text"},
}

_PERSON = {
    "PersonId": 31,
    "Firstname": "Marie",
    "MiddleName": "",
    "Lastname": "De Greeve",
    "Title": "Head of purchasing",
    "Emails": [{"Value": "Marie.DeGreeve@nordic-paper.no", "StrippedValue": "", "Description": ""}],
    "OfficePhones": [{"Value": "+47 22 84 85 10", "StrippedValue": "4722848510",
                      "Description": ""}],
    "MobilePhones": [{"Value": "+47 911 22 333", "StrippedValue": "4791122333",
                      "Description": ""}],
    "Contact": {"ContactId": 12, "Name": "Nordic Paper AS", "Department": "Sales"},
    "Description": "",
    "UpdatedDate": "2024-05-02T10:11:12",
}


def company():
    return copy.deepcopy(_COMPANY)


def person():
    return copy.deepcopy(_PERSON)

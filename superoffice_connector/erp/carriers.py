"""The carriers of the ERP Sync Connector contract as plain dataclasses.

Names follow SuperOffice's documentation (``D/api/erp-actor-carrier.md``,
``D/api/field-meta-data-carrier.md``, ``D/api/pluginresponseinfo.md``); how they look on the
wire is decided in :mod:`.wire` and :mod:`.envelope` only.
"""

from dataclasses import dataclass, field

# ResponseState (D/api/pluginresponseinfo.md)
OK, OK_WITH_INFO, WARNING, ERROR = "Ok", "OkWithInfo", "Warning", "Error"

# FieldMetadataTypeInfo and FieldAccessInfo member names (SDK-Doc ERPField extra.md)
CHECKBOX, TEXT, PASSWORD, INTEGER, DOUBLE, LIST, DATETIME, LABEL = (
    "Checkbox", "Text", "Password", "Integer", "Double", "List", "Datetime", "Label")
NORMAL, MANDATORY, READ_ONLY = "Normal", "Mandatory", "ReadOnly"

# ErpActorType names (D/api/erp-actor-carrier.md): constants, never translated
CUSTOMER, SUPPLIER, PARTNER, PERSON, PROJECT = "Customer", "Supplier", "Partner", "Person", "Project"
ACTOR_TYPES = ("Unknown", CUSTOMER, SUPPLIER, PARTNER, PERSON, PROJECT, "Employee", "Sale")

# Special search keys (D/search/index.md)
PARENT_ERP_KEY, PARENT_ACTOR_TYPE = "ParentErpKey", "ParentActorType"


@dataclass
class ErpActor:
    actor_type: str = ""
    erp_key: str = ""
    last_modified: str = ""
    parent_actor_type: str = ""
    parent_erp_key: str = ""
    field_values: dict = field(default_factory=dict)


@dataclass
class FieldMetadata:
    field_key: str
    display_name: str
    field_type: str = TEXT
    list_name: str = ""
    default_value: str = ""
    max_length: int = 0
    access: str = NORMAL
    display_description: str = ""


@dataclass
class Restriction:
    field_key: str
    operator: str
    values: list = field(default_factory=list)


@dataclass
class Result:
    """PluginResponseInfo: the state every response carries, and errors instead of faults."""

    state: str = OK
    user_explanation: str = ""
    tech_explanation: str = ""
    error_code: str = ""

    @property
    def is_ok(self):
        return self.state != ERROR


class ErpError(Exception):
    """A business error, answered as ``State=Error`` in the operation's own response carrier.

    ``user`` is shown to the SuperOffice user (translated by the caller), ``tech`` is English
    for SuperOffice's log, ``code`` the error code (e.g. the unknown-connection code)."""

    def __init__(self, user, tech="", code=""):
        super().__init__(tech or user)
        self.user = user
        self.tech = tech or user
        self.code = code

    def result(self):
        return Result(ERROR, self.user, self.tech, self.code)

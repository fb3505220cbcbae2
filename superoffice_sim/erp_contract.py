"""SuperOffice's side of the ERP Sync contract, read the way a WCF client reads it.

SuperOffice's ``IErpConnectorWS`` contract is not published; what a WCF client on SuperOffice's
side would do with our answers depends on two things this module plays:

* **Member order.** A ``DataContractSerializer`` reads a type's members in its contract's order,
  looking forward only: a member that arrives after a later one is dropped without a word, and
  the members of a derived type follow those of its base. :data:`CONTRACTS` holds the plausible
  contract orders (alphabetical, WCF's default without ``Order``; and the order of SuperOffice's
  documentation tables, which its sibling quote contract follows member for member), and
  :func:`read_members` reads like that serializer.
* **Default quotas.** A WCF client refuses a message over ``MaxReceivedMessageSize`` (65,536
  bytes) and a string over ``MaxStringContentLength`` (8,192 characters, counted in UTF-16
  units); the refusal fails the whole call (:class:`QuotaExceeded`).

    >>> read_members(["ErrorCode", "IsOk", "State"], ("IsOk", "State", "ErrorCode"))
    ['ErrorCode']
    >>> read_members(["IsOk", "State", "ErrorCode"], ("ErrorCode", "IsOk", "State"))
    ['IsOk', 'State']
"""

RESULT_MEMBERS = ("IsOk", "State", "UserExplanation", "TechExplanation", "ErrorCode")
ACTOR_MEMBERS = ("ActorType", "ErpKey", "LastModified", "ParentActorType", "ParentErpKey",
                 "FieldValues")
FIELD_MEMBERS = ("FieldKey", "DisplayName", "DisplayDescription", "FieldType", "ListName",
                 "DefaultValue", "Rank", "MaxLength", "Access")
AUTH_MEMBERS = ("SignedApplicationToken", "Succeeded", "Reason")

# carrier -> member order. "documented": the member tables of D/api/pluginresponseinfo.md,
# D/api/erp-actor-carrier.md, D/api/field-meta-data-carrier.md (with the quote contract's Rank)
# and D/online/example-api.md.
CONTRACTS = {
    "alphabetical": {
        "result": tuple(sorted(RESULT_MEMBERS)), "actor": tuple(sorted(ACTOR_MEMBERS)),
        "field": tuple(sorted(FIELD_MEMBERS)), "auth": tuple(sorted(AUTH_MEMBERS)),
    },
    "documented": {
        "result": RESULT_MEMBERS, "actor": ACTOR_MEMBERS, "field": FIELD_MEMBERS,
        "auth": AUTH_MEMBERS,
    },
}

MAX_RECEIVED_MESSAGE_SIZE = 65536
MAX_STRING_CONTENT_LENGTH = 8192


class QuotaExceeded(Exception):
    """A default WCF client refuses the answer (the whole call fails)."""


def read_members(names, order):
    """The names of ``names`` (in arrival order) a DataContractSerializer with member ``order``
    reads; the others are dropped."""
    position = 0
    read = []
    for name in names:
        if name in order and order.index(name) >= position:
            read.append(name)
            position = order.index(name) + 1
    return read


def string_length(text):
    """Length as .NET counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2

"""Exceptions the request handlers turn into HTTP answers."""


class HttpError(Exception):
    """An HTTP error answer with a JSON body `{"Message", ...}`."""

    def __init__(self, status, message, **extra):
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra
        self.headers = {}

    def body(self):
        return {"Message": self.message, **self.extra}


class ValidationError(HttpError):
    """400 naming the offending field, e.g. `Name` or `Address.Postal.City`."""

    def __init__(self, field, message):
        super().__init__(400, f"{field}: {message}", ErrorType="ValidationError",
                         FieldName=field)
        self.field = field


class NotFound(HttpError):
    def __init__(self, message="Not found"):
        super().__init__(404, message)


class ODataError(HttpError):
    """400 for an archive query SuperOffice refuses, in SuperOffice's error shape.

    The body's keys are those of the error body in the introduction of SuperOffice's REST
    Swagger document (``{"Error": true, "ErrorType": "SoNotFoundException", "ErrorMessage":
    "Contact id 99999 not found", "ErrorSource": "SuperOffice.Services.Implementation"}``); the
    values of ``ErrorType`` and ``ErrorSource`` are the simulator's own (no real answer to a bad
    ``$filter`` was captured).
    """

    def __init__(self, message):
        super().__init__(400, message)

    def body(self):
        return {"Error": True, "ErrorType": "ODataError", "ErrorMessage": self.message,
                "ErrorSource": "superoffice_sim.odata"}

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

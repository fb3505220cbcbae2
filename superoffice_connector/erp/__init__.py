"""SuperOffice's ERP Sync Connector contract (``IErpConnectorWS``), pure Python.

SuperOffice's ERP Sync engine calls a partner-hosted SOAP service; the addon is that service.
This package reads requests and writes responses (:mod:`.envelope`, with every wire choice in
:mod:`.wire`), encodes field values (:mod:`.values`), turns search restrictions into domain
terms (:mod:`.search`), generates the WSDL (:mod:`.wsdl`) and checks Online tokens
(:mod:`.auth`). It never imports Odoo: ``controllers/erp_connector.py`` and
``models/superoffice_erp_*.py`` act on records.
"""

from .carriers import ErpActor, ErpError, FieldMetadata, Restriction, Result
from .envelope import (
    Request,
    SoapRequestError,
    build_authenticate_response,
    build_fault,
    build_response,
    parse_request,
)

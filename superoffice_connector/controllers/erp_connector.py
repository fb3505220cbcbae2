"""SuperOffice's ERP Sync engine calls this endpoint: the addon as an ERP Sync Connector.

    POST /superoffice/erp/ErpConnectorWS.svc?key=<connector key>    SOAP 1.1 (IErpConnectorWS)
    GET  /superoffice/erp/ErpConnectorWS.svc?wsdl                   the generated WSDL

The controller only reads and writes bytes: ``erp/`` parses and builds the SOAP, the
``superoffice.erp.connection`` model checks the key and GUID and acts on records. A body that
is no request of the contract (too big, a DTD or an entity, not XML, an unknown operation) gets a
SOAP fault; everything else, errors included, gets the operation's own response carrier.
"""

import logging

from odoo import http
from odoo.http import request

from .. import erp
from ..erp import wire
from ..erp.wsdl import build_wsdl
from ..erp.xmlsafe import MAX_BODY
from ..models.superoffice_erp_connection import ENDPOINT

_logger = logging.getLogger(__name__)


def _soap(body, status=200):
    return request.make_response(
        body, headers=[("Content-Type", wire.value("content_type"))], status=status)


class SuperofficeErpConnectorController(http.Controller):
    @http.route(ENDPOINT, type="http", auth="none", methods=["GET", "POST"], csrf=False,
                save_session=False, readonly=False)
    def superoffice_erp_connector(self, **_kwargs):
        httprequest = request.httprequest
        if httprequest.method == "GET":
            if {k.lower() for k in httprequest.args} & {"wsdl", "singlewsdl"}:
                address = httprequest.base_url
                return request.make_response(
                    build_wsdl(address), headers=[("Content-Type", "text/xml; charset=utf-8")])
            return request.make_response("POST SOAP 1.1 requests here; GET ?wsdl for the WSDL.",
                                         headers=[("Content-Type", "text/plain")])
        # A body without a declared length (chunked) could only be measured by reading it all.
        if httprequest.content_length is None or httprequest.content_length > MAX_BODY:
            _logger.warning("SuperOffice ERP Sync call refused: body of %s bytes",
                            httprequest.content_length)
            return _soap(erp.build_fault(
                f"The body must declare its length and be at most {MAX_BODY} bytes"), 413)
        raw = httprequest.get_data(cache=False)
        try:
            soap_request = erp.parse_request(raw)
        except erp.SoapRequestError as exc:
            _logger.warning("SuperOffice ERP Sync call refused: %s", exc)
            return _soap(erp.build_fault(str(exc)), 500)
        key = httprequest.args.get("key", "")
        env = request.env(su=True)
        if not env.registry.loaded or "superoffice.erp.connection" not in env:
            return _soap(erp.build_fault("The connector is not installed"), 503)
        return _soap(env["superoffice.erp.connection"]._erp_dispatch(key, soap_request))

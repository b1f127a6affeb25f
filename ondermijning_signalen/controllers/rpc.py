from odoo.http import request, route

from odoo.addons.base.controllers.rpc import RPC

from ..models.ondermijning_login_attempt import client_address


class OndermijningRPC(RPC):
    """Odoo hides the request while it serves XML-RPC and JSON-RPC, so the
    login code cannot see where a login comes from (and Odoo's own cooldown
    does not apply there). The address is kept for the login throttle."""

    def _xmlrpc(self, service):
        with client_address(request.httprequest.remote_addr):
            return super()._xmlrpc(service)

    @route()
    def jsonrpc(self, service, method, args):
        with client_address(request.httprequest.remote_addr):
            return super().jsonrpc(service, method, args)

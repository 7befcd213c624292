"""18.0.1.1.0: API keys belong to integrations. Existing keys get one integration per
user, owning the order sources that user's API orders already use (or 'api')."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    integrations = env["roms.api.integration"]._adopt_keys()
    for integration in integrations:
        _logger.info(
            "ROMS: API keys of %s now belong to the integration %s (sources: %s)",
            integration.name,
            integration.id,
            integration.source_names,
        )

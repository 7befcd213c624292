# The order REST API: integrations, their keys, and the orders they send.
from . import sale_order
from . import roms_api
from . import roms_api_integration
from . import res_users_apikeys

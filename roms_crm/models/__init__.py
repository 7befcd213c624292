# Shared by every concern: the typed settings reader, ROMS's wording of other
# modules' terms on its screens (ir_module_module), the bounds on incoming data,
# the date-range mixin of the reports, the download mixin of every file handed to
# the browser and the settings page (res_config_settings, last: it names fields of
# every concern).
from . import ir_config_parameter
from . import ir_module_module
from . import roms_bounds
from . import roms_date_range_mixin
from . import roms_download_mixin

# One package per concern (README › Architecture). Fulfilment comes before
# customer: the statistics' overrides of sale.order wrap the stage logic, so a
# confirmation moves the stage and fires the new-order event before the
# customer's figures are refreshed.
from . import fulfilment
from . import customer

# payment declares the payment hook messaging extends
from . import payment
from . import messaging
from . import order_api
from . import portal
from . import shipping
from . import customer_import
from . import res_config_settings

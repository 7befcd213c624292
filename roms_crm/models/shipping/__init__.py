# Shipping: couriers and their tracking pages, the Biteship carrier of Odoo's delivery
# framework, and the courier's tracking moving the fulfilment stages.
from . import roms_courier
from . import delivery_carrier
from . import stock_picking
from . import sale_order
from . import roms_reorder_link
from . import roms_message_template
from . import res_config_settings
from . import roms_shipping_event

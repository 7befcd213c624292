from . import roms_customer_export
from . import roms_portal_password
from . import roms_order_stage_wizard
from . import roms_order_export

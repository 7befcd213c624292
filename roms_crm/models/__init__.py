from . import res_partner
from . import product_template
from . import sale_order
from . import res_city
from . import roms_district
from . import roms_customer_import
from . import roms_segment
from . import res_config_settings

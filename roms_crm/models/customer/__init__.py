# Customers: profile, phone identity, Indonesian regions, statistics and segments.
from . import res_partner
from . import res_city
from . import roms_district
from . import roms_segment
from . import roms_customer_category
from . import sale_order
from . import sale_order_line

from . import roms_city_alias
from . import res_partner
from . import roms_dashboard
from . import sale_order

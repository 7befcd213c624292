# The reseller portal: personal discounts, portal access and the reseller's cart.
from . import res_partner
from . import res_users
from . import sale_order
from . import product_template
from . import res_company
from . import ir_http
from . import roms_reorder_link
from . import roms_message

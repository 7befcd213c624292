from . import biteship
from . import reseller_cart
from . import reorder_link

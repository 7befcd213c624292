from . import biteship
from . import reseller_cart

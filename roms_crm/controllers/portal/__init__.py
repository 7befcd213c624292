from . import account
from . import reseller_portal

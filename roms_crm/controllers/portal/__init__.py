from . import account
from . import reseller_portal
from . import reorder_link

from . import customer_import
from . import fulfilment
from . import portal
from . import shipping

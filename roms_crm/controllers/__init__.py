from . import fulfilment
from . import messaging
from . import order_api
from . import portal
from . import shipping
from . import payment
from . import customer_import

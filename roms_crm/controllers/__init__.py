from . import order_stage
from . import portal
from . import api
from . import review
from . import unsubscribe

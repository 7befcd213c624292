from . import order_stage
from . import refund
from . import review

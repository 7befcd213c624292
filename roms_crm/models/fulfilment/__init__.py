# Fulfilment: stages and their history, deliveries, refunds, reviews, low stock and
# abandoned carts.
from . import sale_order
from . import sale_order_line
from . import roms_order_stage_history
from . import stock_picking
from . import stock_move
from . import product_template
from . import roms_refund_request
from . import roms_refund_request_line
from . import roms_product_review

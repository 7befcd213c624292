# Payments through Odoo's payment app: the order's payment link and what a done
# transaction changes on the order (payment status, stage, the customer told).
from . import sale_order
from . import payment_transaction
from . import roms_payment_confirmation

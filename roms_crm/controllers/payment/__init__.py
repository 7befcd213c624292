from . import payment_confirmation
from . import payment_link

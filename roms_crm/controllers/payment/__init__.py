from . import payment_confirmation

# Messaging: the message queue and its e-mail channel, templates, opt-out,
# repeat-order reminders and broadcasts.
from . import roms_message
from . import roms_message_template
from . import roms_message_reply
from . import mail_mail
from . import mail_thread
from . import res_partner
from . import sale_order
from . import sale_order_followup
from . import product_template
from . import roms_reminder_rule
from . import roms_broadcast
from . import roms_payment_confirmation

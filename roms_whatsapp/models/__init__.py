from . import roms_whatsapp_account
from . import roms_whatsapp_rotation
from . import discuss_channel
from . import mail_message
from . import res_users
from . import res_config_settings

from . import roms_whatsapp_account
from . import roms_whatsapp_inbound
from . import res_config_settings

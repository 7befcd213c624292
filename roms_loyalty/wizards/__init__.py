from . import roms_loyalty_backfill
from . import roms_loyalty_adjust
from . import loyalty_card_update_balance
from . import loyalty_generate_wizard

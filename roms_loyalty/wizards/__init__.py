from . import roms_loyalty_backfill
from . import roms_loyalty_adjust

from . import roms_loyalty_backfill

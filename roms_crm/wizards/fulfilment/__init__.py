from . import roms_order_stage_wizard
from . import roms_order_export

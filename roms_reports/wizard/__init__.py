from . import roms_top_customers
from . import roms_report_export

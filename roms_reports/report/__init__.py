from . import sale_report
from . import roms_stock_report
from . import roms_geo_report
from . import roms_retention_report
from . import roms_reminder_funnel_report
from . import roms_message_result_report

from . import roms_customer_export

# Customer import and export (Excel).
from . import roms_customer_import

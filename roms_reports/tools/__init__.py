from . import xlsx

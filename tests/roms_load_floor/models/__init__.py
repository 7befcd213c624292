from . import roms_load_write

from . import roms_portal_password

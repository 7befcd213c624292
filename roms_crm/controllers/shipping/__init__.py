from . import biteship

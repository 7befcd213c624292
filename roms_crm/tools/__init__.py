from . import bounds

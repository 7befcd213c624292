from . import bounds
from . import xlsx

from . import controllers, models, report, tools, wizard
from .hooks import post_init_hook

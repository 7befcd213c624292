from . import bounds
from . import workbook
from . import xlsx
from . import webhook
from . import replica
from . import cron
from . import locks

from . import list_export

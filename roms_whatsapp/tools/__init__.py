from .fonnte_api import FonnteApi
from .meta_api import MetaCloudApi
from .waha_api import WahaApi
from .wa_provider import WhatsAppEvent, WhatsAppProvider, WhatsAppProviderError

PROVIDERS = {"meta": MetaCloudApi, "waha": WahaApi, "fonnte": FonnteApi}

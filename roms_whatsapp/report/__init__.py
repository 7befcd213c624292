from . import roms_whatsapp_agent_report

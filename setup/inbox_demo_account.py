"""The demo shop's WhatsApp Cloud API account the inbox screenshot data write to.

Shared by ``setup/inbox_screenshot_data.py`` and
``setup/inbox_metrics_screenshot_data.py``, which run in ``odoo-bin shell`` from
the repository's root and import it with ``setup/`` on ``sys.path``::

    sys.path.insert(0, "setup")
    from inbox_demo_account import cloud_api_account

The account points at a closed port: nothing leaves the machine.
"""

NAME = "Toko Kopi Nusantara (Cloud API)"
VALUES = {
    "name": NAME,
    "provider": "meta",
    "meta_phone_number_id": "1098765432",
    "meta_business_account_id": "102290129340398",
    "meta_access_token": "demo-token",
    "meta_app_secret": "demo-secret",
    "meta_verify_token": "demo-verify",
    "meta_base_url": "http://127.0.0.1:9",
}


def cloud_api_account(env):
    """The demo shop's Cloud API account, created the first time, connected."""
    Account = env["roms.whatsapp.account"]
    account = Account.search([("name", "=", NAME)]) or Account.create(dict(VALUES))
    account._set_state("connected")
    return account

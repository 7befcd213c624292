def post_init_hook(env):
    """Fill the normalised city of the existing customers, set-based."""
    env["res.partner"]._roms_backfill_cities()

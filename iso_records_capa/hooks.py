def post_init_hook(env):
    """Bind "Raise nonconformity" to the business apps already installed (purchase, inventory...)."""
    env["iso.nonconformity"]._iso_sync_raise_actions()

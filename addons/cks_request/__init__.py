from . import models
from . import wizard


def post_init_hook(env):
    """A province configured before this module takes the routes of the preset it applied."""
    profile = env["cks.province.profile"]._get_current()
    preset = profile.preset_id
    if profile and preset:
        names = ("route_new", "route_renewal", "route_revocation", "route_restoration")
        profile.sudo().write({name: preset[name] for name in names})

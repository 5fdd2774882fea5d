from . import models
from . import wizard


def uninstall_hook(env):
    """Remove what the module created in PostgreSQL beside its tables: the functions of the
    custody triggers (dropping them drops the triggers; the tables go with the models)."""
    env.cr.execute(
        """
        DROP FUNCTION IF EXISTS cks_custody_event_append_only() CASCADE;
        DROP FUNCTION IF EXISTS cks_custody_head_forward_only() CASCADE;
        """
    )

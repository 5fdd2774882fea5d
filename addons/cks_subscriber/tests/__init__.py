from . import test_module, test_roles, test_ui

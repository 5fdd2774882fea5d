from . import test_module
from . import test_working_days
from . import test_request_flow
from . import test_request_deadlines
from . import test_demo_story
from . import test_tours

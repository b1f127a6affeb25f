from . import test_metadata
from . import test_meldpunt
from . import test_anonymity
from . import test_mail_intake
from . import test_ui

from . import meldpunt

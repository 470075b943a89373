"""The Python API client is a package of its own (clients/python): its tests import it from its
source folder, as an installed copy would be imported, and drive a live server."""

import sys
from pathlib import Path

CLIENT_SRC = Path(__file__).resolve().parents[2] / "clients" / "python" / "src"
if str(CLIENT_SRC) not in sys.path:
    sys.path.insert(0, str(CLIENT_SRC))

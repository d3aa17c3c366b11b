"""``python -m bot.web`` runs the web server."""

import sys

from bot.web.server import main

sys.exit(main())

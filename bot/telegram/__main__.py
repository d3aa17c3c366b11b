"""``python -m bot.telegram`` runs the Telegram bridge."""

import sys

from bot.telegram.bridge import main

sys.exit(main())

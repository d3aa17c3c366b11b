"""The Telegram channel: a python-telegram-bot process that bridges Telegram and Rasa."""

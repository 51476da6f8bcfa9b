"""The Telegram Bot API emulator (platform-apis.md §3, §7 "Telegram", §8).

``api.BotApi`` serves the Bot API under ``/telegram``; ``control.routes`` the control API under
``/_control/telegram``; ``world`` holds the bots, channels and posted messages.
"""

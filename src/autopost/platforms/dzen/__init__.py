"""Дзен: shorts through Дзен Studio's private editor API (docs/platform-apis.md §5)."""

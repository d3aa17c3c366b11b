"""Shared code of the migrant-worker assistant: content store, storage, languages, countries."""

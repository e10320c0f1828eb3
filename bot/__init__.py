"""ESER Assistant: the platform-free core (models, settings, router, handlers, store, i18n, CLI)."""

"""The ``eser-bot`` command line (entry point: ``bot.cli.main:main``).

``main`` gathers the commands; ``common`` holds what they share (settings, the knowledge engine, the
ingest summary, the core app for one job); every other module is one command or command group.
Only this package reaches into ``adapters`` (lazily, inside the commands that run a platform).
"""

"""Guided chats: onboarding, ``/newevent`` and ``/announce`` as flows (YAML) of one engine.

``bot.guided.assembly`` builds the engine and its handler; ``bot/guided/flows/`` holds each flow's
file, diagram and hooks.
"""

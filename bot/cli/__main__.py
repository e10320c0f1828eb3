"""``python -m bot.cli``: the same as ``eser-bot``."""

from bot.cli.main import main

if __name__ == "__main__":  # importing this module (the architecture test does) runs nothing
    main()

"""``python -m wirewatch.cli``: the same app as the ``wirewatch`` script."""

from wirewatch.cli import main

main()

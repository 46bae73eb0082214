"""``python -m catalog`` is the ``localspotify`` command."""

from .cli import main

main()

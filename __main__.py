"""`python -m icpmap`: the same as the `icpmap` command."""

from .cli import main

main()

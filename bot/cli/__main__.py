"""`python -m bot.cli` runs the counterpoint command line."""
import sys

from bot.cli import main

sys.exit(main())

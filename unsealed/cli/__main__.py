import sys

from unsealed.cli import main

sys.exit(main())

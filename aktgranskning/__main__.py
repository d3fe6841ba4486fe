import sys

from aktgranskning.app import main

sys.exit(main())

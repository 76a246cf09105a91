import sys

from lightbridge_trainer.cli import main

sys.exit(main())

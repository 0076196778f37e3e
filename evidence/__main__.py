import sys

from evidence.cli import module_main

sys.exit(module_main(sys.argv[1:]))

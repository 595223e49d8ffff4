from digest.cli import main
import sys
sys.exit(main())

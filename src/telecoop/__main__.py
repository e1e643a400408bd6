from telecoop.cli import main

raise SystemExit(main())

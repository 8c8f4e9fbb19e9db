from therapists.cli import main

raise SystemExit(main())

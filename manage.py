#!/usr/bin/env python
"""Django's manage.py; `massline` (massline/cli.py) is the same with clearer start-up errors."""

from massline.cli import main

if __name__ == "__main__":
    main()

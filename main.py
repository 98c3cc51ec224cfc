"""Asiakasrekisteri: no arguments start the desktop app; subcommands run headless."""

from __future__ import annotations

import sys


def launch_gui(db: str | None, demo: bool) -> int:
    from gui.app import run

    return run(db=db, demo=demo)


def main() -> int:
    from core.cli.main import main as cli_main

    return cli_main(sys.argv[1:], gui_launcher=launch_gui)


if __name__ == "__main__":
    # First thing: in the bundle, the import's helper process (spawn) and multiprocessing's
    # resource tracker start this same executable; here they run their own work instead of
    # the command line.
    import multiprocessing

    multiprocessing.freeze_support()
    sys.exit(main())

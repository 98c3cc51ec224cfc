"""The headless command line (DESIGN.md section 8): ``common`` holds what every command shares,
``main`` the parser, the commands and the entry point ``main.py`` calls."""

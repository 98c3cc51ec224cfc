"""Backups and verified restores (DESIGN.md section 7).

``files``: the online copy of a SQLite database, its check, names, folders and rotation;
``offdisk``: what counts as a copy off this disk, and the reminder when there is none for seven
days; ``create``: a backup by hand or automatically on exit, copied to the second folder;
``restore``: the verified restore; ``replay``: erasures the replaced database recorded, applied
again so a restore never brings an erased person back; ``cli``: the ``backup`` and ``restore``
commands.
"""

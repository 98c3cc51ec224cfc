"""The core of Asiakasrekisteri: domain, storage, rules and documents. Never imports Qt.

Every rule of the privacy statement [S1]..[S17] lives here, so the command line, the GUI and the
tests all get it. Imports point down this map (a test fails on any import cycle)::

    foundation     clock, dates, errors, i18n, validation, files (owner-only files)
    storage        db (engine, pragmas, migrations at open), models, migrations/
    security/      permissions (Actor, Permission, require), auth (users, passwords,
                   logins), audit (the chained log), audit_view (the log as a manager
                   reads it), crypto (data key, hetu, blind index)
    settings       the company's settings, a new register (initialise), the data key
    customers/     service (create, update, objections, hetu), search (the one search
                   engine: plain rule, fast routes, list orders), kept_list (the list a
                   desk keeps in memory to search, following the change log), changes
                   (whether another desk changed the list: data_version or LISTEN), views (a
                   customer's requests and disclosures), duplicates (find and merge),
                   updates (address updates), wipe (the one definition of what erasure
                   removes)
    orders, recipients (the register of recipients and sources), disclosures, legal_holds,
                   retention, statistics
    requests/      intake, workflow (states, deadlines), queries, and one module per kind:
                   access, rectification, objection, erasure, anonymisation; documents
                   (the letters of a request)
    login          the app's login: the password check, then the purge due at every login
    transfer/      csvio (CSV in and out), importing, exporting, mailing (labels, lists)
    documents/     reportlab builders, one module per document kind over layout/; data
                   (their inputs), registry (what was produced), office (blank forms and the
                   statement produced for the office)
    backup/        files (copy, check, names, rotation), offdisk (copies off this disk, the
                   seven-day reminder), create (to the backup folder and the second folder),
                   restore, replay (erasures applied again after a restore), cli (the backup
                   and restore commands)
    demo           the demonstration register and synthetic data
    key_rotation   a new data key: hetus, blind indexes and the audit chain re-keyed, a new
                   recovery sheet
    verify         integrity, audit chain and key check
    cli/           common (errors, password, login), main (the command line of DESIGN.md
                   section 8)
"""

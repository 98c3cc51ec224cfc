"""Data in and out: CSV reading and writing, the customer import and export, and direct mail
(labels and mailing lists that honour every prohibition [S6])."""

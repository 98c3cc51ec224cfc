"""Security [S12][S13]: who may do what (``permissions``), users and logins (``auth``), the
chained audit log (``audit``) and the data key with the hetu's encryption (``crypto``)."""

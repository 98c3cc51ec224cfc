"""PDF documents (reportlab): one module per document kind over the shared ``layout``.

Builders take a frozen input dataclass from ``core.documents.data``, a ``Letterhead`` and a
language, and return PDF bytes. They never access the database; ``registry.record_document``
records what was produced.
"""

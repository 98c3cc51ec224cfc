"""Customers [S7][S8]: the service (create, update, objections, the hetu), the one search
engine, the customer screen's views, duplicates, address updates and the wipe that erasure,
anonymisation, retention and a restore all use."""

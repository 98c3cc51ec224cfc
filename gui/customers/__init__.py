"""The Customers page: search list (model.py), detail form (detail.py), page (view.py)."""

"""The Orders page: filtered list (view.py) and the order dialog (dialog.py)."""

"""Everything search lives here, behind one small interface (index, remove, search, suggest,
related, rebuild, verify), so routes never touch the engine. The Whoosh index is stored in
``INDEX_DIR`` (``instance/index`` by default)."""

"""The document library: documents with revisions, relations and citations; imports; number links."""

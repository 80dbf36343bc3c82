"""The editable resources shipped with the package (read through :mod:`audit.resources`)."""

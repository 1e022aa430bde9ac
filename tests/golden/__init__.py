"""Golden tests: tiny Discovery fixtures, their expected generated files, and the updater."""

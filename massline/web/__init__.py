"""The public site and staff workbench shell: base templates, navigation, login, home pages."""

"""Public consultation on major decisions: drafts, opinions, stance votes, opinion groups, adoption report."""

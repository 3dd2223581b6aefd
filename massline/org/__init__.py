"""Organisation: regions, handling units, officials and their roles, citizens."""

"""Services of demand handling, a module per stage: intake, handling, visit, clock, merge, notify, imports."""

"""Working time: holiday calendars, working hours, due-time arithmetic and pausable clocks."""

"""Open311 GeoReport v2 (and mySociety's update extension) over the demands of `cases`."""

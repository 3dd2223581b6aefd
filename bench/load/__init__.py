"""Load without loss: concurrent clients over the public form, the JSON API and Open311 (see __main__)."""

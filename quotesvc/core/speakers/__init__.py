"""Speaker mentions and the people or bodies they refer to."""

"""The chaos tier: real servers killed and restarted, the database cut, the OPERATOR retrying."""

"""The organisers' loop: hand a member's question to an organiser, and keep answers as cards."""

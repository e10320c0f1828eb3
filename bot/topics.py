"""The topics members subscribe to and announcements target (the onboarding interests' vocabulary)."""

TOPICS: tuple[str, ...] = ("events", "funding", "policy", "skills", "join")
# A subscription to every topic.
ALL_TOPICS = "all"

"""What onboarding leaves behind: member profiles as answers see them, the starting kit, and the
privacy commands. The onboarding flow itself is a guided chat (``bot.guided``)."""

"""The guided chats: one YAML file per flow and, beside it, the flow's hooks (its domain logic)."""

"""The pages of the organisers' web app, one module per section."""

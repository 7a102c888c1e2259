"""moviebot: a Slack bot that answers "movies like X"."""

"""The Lambda handlers that are not the bot: loader, retrain, notify."""

"""The app's mode screens (one per module) and what they share."""

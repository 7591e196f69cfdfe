"""The app's screens: the main reading screen, bookmarks, help and small dialogs."""

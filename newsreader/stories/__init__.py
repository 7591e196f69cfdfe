"""Near-duplicate articles grouped into stories: MinHash signatures over word shingles, kept
by content hash in the cache folder, and their connected components. No Textual here."""

from newsreader.stories.groups import StoryGroups, SyncReport, story_groups, sync
from newsreader.stories.minhash import Signature, signature, story_signature
from newsreader.stories.store import StoryStore

__all__ = [
    "Signature",
    "StoryGroups",
    "StoryStore",
    "SyncReport",
    "signature",
    "story_groups",
    "story_signature",
    "sync",
]

"""Personal API tokens: the model, creating and revoking them, and the pages that manage them.
A feature of its own, not part of the API transport, because privacy lists and revokes them too."""

"""The risk model editor: versions of the scoring configuration, drafted, edited and published."""

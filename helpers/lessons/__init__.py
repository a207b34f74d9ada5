"""One module per lesson, named after its topic: course/01a_activations.py uses
``from helpers.lessons import activations as lesson``."""
